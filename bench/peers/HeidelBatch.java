// Batch driver for HeidelTime: one JVM, many articles. Used by bench/peers.py.
//
// Usage: java -cp <heideltime.jar>:<dir> HeidelBatch <config.props> <language> <jobs.tsv>
// Each line of jobs.tsv is "<YYYY-MM-DD dct>\t<input .txt (UTF-8)>\t<output .tml>".
// All inputs are read first; only the process() calls are timed. Prints one JSON
// line to stdout: {"init_ms": ..., "process_ms": ..., "n": ..., "per_doc_ms": [...]}.

import de.unihd.dbs.heideltime.standalone.DocumentType;
import de.unihd.dbs.heideltime.standalone.HeidelTimeStandalone;
import de.unihd.dbs.heideltime.standalone.OutputType;
import de.unihd.dbs.heideltime.standalone.POSTagger;
import de.unihd.dbs.uima.annotator.heideltime.resources.Language;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;

public final class HeidelBatch {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: HeidelBatch <config.props> <language> <jobs.tsv>");
            System.exit(2);
        }
        String config = args[0];
        Language language = Language.getLanguageFromString(args[1]);
        List<String> lines = Files.readAllLines(Paths.get(args[2]), StandardCharsets.UTF_8);

        SimpleDateFormat dctFormat = new SimpleDateFormat("yyyy-MM-dd");
        List<Date> dcts = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\t");
            dcts.add(dctFormat.parse(parts[0]));
            texts.add(new String(Files.readAllBytes(Paths.get(parts[1])), StandardCharsets.UTF_8));
            outputs.add(Paths.get(parts[2]));
        }

        long t0 = System.nanoTime();
        HeidelTimeStandalone.readConfigFile(config);
        HeidelTimeStandalone tagger = new HeidelTimeStandalone(
                language, DocumentType.NEWS, OutputType.TIMEML, config, POSTagger.NO);
        long t1 = System.nanoTime();

        List<String> results = new ArrayList<>();
        long[] perDoc = new long[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            long start = System.nanoTime();
            results.add(tagger.process(texts.get(i), dcts.get(i)));
            perDoc[i] = System.nanoTime() - start;
        }
        long t2 = System.nanoTime();

        for (int i = 0; i < results.size(); i++) {
            Files.write(outputs.get(i), results.get(i).getBytes(StandardCharsets.UTF_8));
        }
        StringBuilder perDocMs = new StringBuilder();
        for (int i = 0; i < perDoc.length; i++) {
            perDocMs.append(i == 0 ? "" : ", ");
            perDocMs.append(String.format(Locale.ROOT, "%.3f", perDoc[i] / 1e6));
        }
        System.out.printf(
                Locale.ROOT,
                "{\"init_ms\": %.3f, \"process_ms\": %.3f, \"n\": %d, \"per_doc_ms\": [%s]}%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6, results.size(), perDocMs);
    }
}
