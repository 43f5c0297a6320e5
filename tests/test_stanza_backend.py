"""The optional stanza backend, tested offline on hand-written CoNLL-U fixtures.

Each fixture (tests/fixtures/conllu) is one Arabic news sentence with multi-word
tokens (و + verb, ب/ل + noun, و + ال noun), vocalised lemmas, UPOS, heads and
NER tags in the MISC column (``ner=B-PER``: stanza's CoNLL reader puts it on the
token). No model is loaded: Documents come from ``CoNLL.conll2doc``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from datetime import date
from pathlib import Path

import pytest

stanza = pytest.importorskip("stanza")
from stanza.utils.conll import CoNLL  # noqa: E402

from timeline import backends  # noqa: E402
from timeline.backends import BackendUnavailable, RulesBackend, get_backend  # noqa: E402
from timeline.backends.stanza_backend import StanzaBackend, from_document  # noqa: E402
from timeline.cli import main  # noqa: E402
from timeline.cli_exit import ExitCode  # noqa: E402
from timeline.events import backend_hooks  # noqa: E402
from timeline.events.arguments import canonical, find_entities  # noqa: E402
from timeline.events.mentions import find_mentions  # noqa: E402
from timeline.model import Article, Mention  # noqa: E402
from timeline.pipeline import extract, process_article  # noqa: E402
from timeline.temporal import analyse_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "conllu"
DCT = date(2024, 3, 12)  # a Tuesday

# What each sentence should give: (trigger, type, date value, participants, location).
GOLD: dict[str, list[tuple[str, str, str, set[str], str | None]]] = {
    "s1_reception": [
        (
            "استقبل",
            "MEET",
            "2024-03-10",
            {"سمير الرفاعي", "اللجنة الشعبية", "الهلال الأحمر"},
            "الزرقاء",
        )
    ],
    "s2_quote": [("التقيت", "MEET", "2024-03-11", {"الأردن"}, "عمان")],
    "s3_relative": [("التقى", "MEET", "2024-03-10TMO", {"الأردن"}, None)],
    "s4_attack": [("هجوما", "ATTACK", "2024-03-09", {"كتائب أبو علي مصطفى"}, "نابلس")],
    "s5_talks": [
        ("اجتمع", "MEET", "2024-03-06", set(), "القاهرة"),
        ("اتفاق", "AGREE", "2024-03-07", set(), None),
    ],
}


def load(name: str):
    """The fixture's Document (offsets rebuilt from its ``# text``) and raw text."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fixture whose tokens do not fit its text fails
        doc = CoNLL.conll2doc(input_file=str(FIXTURES / f"{name}.conllu"), reconstruct_text=True)
    return doc, doc.text


def mentions(name: str, backend: str) -> list[Mention]:
    doc, raw = load(name)
    article = Article(name, DCT, raw)
    parsed = from_document(doc, raw) if backend == "stanza" else None
    return find_mentions(article, analyse_text(raw, DCT, name), parsed).mentions


def scores(backend: str) -> dict[str, float]:
    """Pooled scores over the fixtures: mentions, dates, participants, locations."""
    n_gold = n_pred = n_match = dated = located = 0
    p_tp = p_pred = p_gold = 0
    for name, gold in GOLD.items():
        found = {(m.trigger, m.event_type): m for m in mentions(name, backend)}
        n_gold += len(gold)
        n_pred += len(found)
        for trigger, etype, value, people, place in gold:
            m = found.get((trigger, etype))
            p_gold += len(people)
            if m is None:
                continue
            n_match += 1
            dated += m.date_value == value
            located += m.location == place
            got = {canonical(p) for p in m.participants}
            want = {canonical(p) for p in people}
            p_tp += len(got & want)
            p_pred += len(got)
    mp, mr = n_match / n_pred, n_match / n_gold
    pp, pr = p_tp / p_pred if p_pred else 0.0, p_tp / p_gold
    return {
        "mention_F1": 2 * mp * mr / (mp + mr) if mp + mr else 0.0,
        "date_acc": dated / n_gold,
        "participant_P": pp,
        "participant_R": pr,
        "participant_F1": 2 * pp * pr / (pp + pr) if pp + pr else 0.0,
        "location_acc": located / n_gold,
    }


# -- the adapter ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLD))
def test_offsets_point_into_the_raw_text(name):
    doc, raw = load(name)
    analysis = from_document(doc, raw)
    assert analysis.tokens and len(analysis.words) >= len(analysis.tokens)
    for token, stanza_token in zip(
        analysis.tokens, [t for s in doc.sentences for t in s.tokens], strict=True
    ):
        assert raw[token.start : token.end] == token.text == stanza_token.text
        first, end = token.words
        for word in analysis.words[first:end]:
            assert (word.start, word.end, word.token) == (token.start, token.end, token.index)
    for entity in analysis.entities:
        assert raw[entity.start : entity.end] == entity.text
    for sentence in analysis.sentences:
        assert raw[sentence.start : sentence.end].endswith(".")


def test_multi_word_tokens_heads_and_ner():
    doc, raw = load("s1_reception")
    analysis = from_document(doc, raw)
    token = next(t for t in analysis.tokens if t.text == "والهلال")
    first, end = token.words
    assert [w.text for w in analysis.words[first:end]] == ["و", "الهلال"]
    assert [w.upos for w in analysis.words[first:end]] == ["CCONJ", "NOUN"]
    by_text = {w.text: w for w in analysis.words}
    assert analysis.words[by_text["الرفاعي"].head].text == "سمير"
    assert by_text["استقبل"].head == -1 and by_text["استقبل"].deprel == "root"
    assert [(e.text, e.type) for e in analysis.entities] == [
        ("سمير الرفاعي", "PER"),
        ("مدينة الزرقاء", "LOC"),
        ("اللجنة الشعبية", "ORG"),
        ("والهلال الأحمر", "ORG"),
    ]


def test_a_document_without_offsets_is_laid_over_the_raw_text():
    """Extra whitespace, a newline and a no-break space between tokens: exact offsets."""
    path = FIXTURES / "s2_quote.conllu"
    doc = CoNLL.conll2doc(input_file=str(path), reconstruct_text=False)
    assert doc.sentences[0].tokens[0].start_char is None
    raw = "\n  وقال  الوزير:\u00a0التقيت نظيري\nالأردني أمس في   عمان.  "
    analysis = from_document(doc, raw)
    assert [t.text for t in analysis.tokens][:4] == ["وقال", "الوزير", ":", "التقيت"]
    for token in analysis.tokens:
        assert raw[token.start : token.end] == token.text
    assert analysis.entities[0].text == "عمان" and analysis.entities[0].type == "LOC"
    with pytest.raises(ValueError, match="cannot align"):
        from_document(doc, raw.replace("نظيري", "نظيرنا"))


# -- the event layer --------------------------------------------------------------


def test_ner_entities_fill_in_where_the_gazetteer_found_nothing():
    doc, raw = load("s1_reception")
    analysis = analyse_text(raw, DCT, "s1")
    rules = find_entities(analysis.norm, analysis.tokens)
    merged = backend_hooks.add_entities(analysis, from_document(doc, raw), rules)
    added = [e for e in merged if e not in rules]
    assert [(e.text, e.kind, e.name) for e in added] == [
        ("سمير الرفاعي", "person", "سمير الرفاعي"),
        ("اللجنة الشعبية", "org", "اللجنة الشعبية"),
        ("الهلال الأحمر", "org", "الهلال الأحمر"),  # و left out of span and name
    ]
    for e in merged:
        assert raw[e.start : e.end] == e.text
    # مدينة الزرقاء overlaps the gazetteer's الزرقاء: the rules' entity stays alone
    assert [e.name for e in merged if e.kind == "place"] == ["الزرقاء"]


def test_lemma_adds_a_trigger_the_lexicon_missed():
    assert mentions("s2_quote", "rules") == []
    (m,) = mentions("s2_quote", "stanza")
    _, raw = load("s2_quote")
    assert (m.trigger, m.event_type, m.date_value, m.location) == (
        "التقيت",
        "MEET",
        "2024-03-11",
        "عمان",
    )
    assert raw[m.start : m.end] == m.trigger


def test_dependency_attaches_the_time_to_its_trigger():
    """التقى … الذي وصل أمس … صباح الأحد: أمس is وصل's, صباح الأحد is التقى's."""
    (rules,) = mentions("s3_relative", "rules")
    (parsed,) = mentions("s3_relative", "stanza")
    assert rules.date_value == "2024-03-11"  # the nearest expression
    assert parsed.date_value == "2024-03-10TMO" and parsed.date_source == "timex"
    # اتفاق التهدئة المعلن الخميس: الخميس hangs under اتفاق, not under اجتمع
    dates = {m.trigger: m.date_value for m in mentions("s5_talks", "stanza")}
    assert dates == {"اجتمع": "2024-03-06", "اتفاق": "2024-03-07"}


def test_stanza_path_is_at_least_as_good_as_the_rules_on_the_fixtures():
    rules, parsed = scores("rules"), scores("stanza")
    print("\nfixture scores (rules → stanza):")
    for key in rules:
        print(f"  {key:15} {rules[key]:.3f} → {parsed[key]:.3f}  ({parsed[key] - rules[key]:+.3f})")
    for key in ("mention_F1", "date_acc", "location_acc", "participant_P"):
        assert parsed[key] >= rules[key], key
    assert parsed["participant_R"] > rules["participant_R"]
    assert parsed["participant_F1"] > rules["participant_F1"]


def test_process_article_runs_a_backend_end_to_end(tmp_path):
    """A StanzaBackend whose pipeline is stood in for by the fixture's Document."""
    doc, raw = load("s4_attack")
    backend = StanzaBackend(tmp_path)
    backend._pipeline = lambda text: doc
    result = process_article(Article("a", DCT, raw), backend)
    (m,) = result.events.mentions
    assert m.participants == ("كتائب أبو علي مصطفى",) and m.location == "نابلس"
    assert process_article(Article("a", DCT, raw)).events.mentions[0].participants == ()


# -- choosing a backend -------------------------------------------------------------


def test_missing_models_name_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path))
    with pytest.raises(BackendUnavailable, match="timeline models install") as info:
        get_backend("stanza")
    assert str(tmp_path) in str(info.value) and "ar/ner" in str(info.value)
    with pytest.raises(BackendUnavailable, match=f"--dir {tmp_path}"):
        get_backend("stanza", model_dir=tmp_path)
    with pytest.raises(BackendUnavailable, match="timeline models install"):
        extract(ROOT / "data" / "raw", backend="stanza")


def test_missing_stanza_names_the_extra(monkeypatch):
    monkeypatch.setattr(backends, "stanza_importable", lambda: False)
    with pytest.raises(BackendUnavailable, match=r'pip install "timeline\[stanza\]"'):
        get_backend("stanza")
    assert isinstance(get_backend("auto"), RulesBackend)


def test_auto_falls_back_to_rules(tmp_path, monkeypatch):
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path))
    assert get_backend("auto").name == "rules"
    result = extract(ROOT / "data" / "raw", now=date(2026, 1, 1), backend="auto")
    assert result.run_info["backend"] == "rules"
    assert extract(ROOT / "data" / "raw", now=date(2026, 1, 1)).run_info["backend"] == "rules"


def test_auto_picks_stanza_when_models_are_there(tmp_path, monkeypatch):
    (tmp_path / "resources.json").write_text("{}")
    for processor in backends.PROCESSORS:
        (tmp_path / "ar" / processor).mkdir(parents=True)
        (tmp_path / "ar" / processor / "fake.pt").write_bytes(b"")
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path))
    backend = get_backend("auto")
    assert backend.name == "stanza" and backend.available()


def test_cli_reports_the_missing_models(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path / "empty"))
    argv = ["extract", str(ROOT / "data" / "raw"), "--out", str(tmp_path / "out")]
    assert main([*argv, "--backend", "stanza"]) == ExitCode.UNAVAILABLE
    assert "timeline models install" in capsys.readouterr().err
    assert main(["models", "status"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"ar/depparse +missing", out) and "unavailable" in out


def test_models_install_uses_stanzas_downloader(tmp_path, monkeypatch, capsys):
    calls = []

    def fake_download(lang, model_dir, processors):
        calls.append((lang, model_dir, processors))

    monkeypatch.setattr(stanza, "download", fake_download)
    assert main(["models", "install", "--dir", str(tmp_path)]) == 1  # nothing was written
    assert calls == [("ar", str(tmp_path), "tokenize,mwt,pos,lemma,depparse,ner")]


def test_importing_timeline_does_not_import_stanza_or_torch():
    code = (
        "import sys, timeline, timeline.pipeline, timeline.cli, timeline.backends, "
        "timeline.events.backend_hooks\n"
        "from timeline.backends import get_backend\n"
        "get_backend('rules').analyse('نص')\n"
        "print(sorted(m for m in ('stanza', 'torch') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
