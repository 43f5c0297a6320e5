"""pytest plugin: gold-timeline regression tests (entry point ``pytest11: timeline``).

Inactive, and free, unless configured: without a ``[tool.timeline.regression]`` table in
the project's ``pyproject.toml`` and without ``--timeline-gold``, the plugin only
registers its command-line options. Configured, it turns the gold folder into tests:

- one item per gold article (``tests/gold::seed-000``): its timex and mention metrics
  against the thresholds (or the baseline), failing with a readable diff (missing,
  extra, wrong-value timexes and mentions, wrong statuses; offsets and the Arabic
  sentence, the span between ``⟦ ⟧``);
- one corpus-level item (``tests/gold::timeline``): every configured metric pooled over
  the corpus, failing with the timeline's problems (missed events, extra rows, wrong
  dates expected vs got with the sentence, wrong merges and splits).

The pipeline runs once per session, at the first item that needs it (so
``--collect-only`` and deselected runs never pay for it). A gold file that does not load
or does not match its raw text (see :func:`timeline.gold.check_gold`) is a collection
error naming the file, the item and the problem.

Configuration (paths are relative to the ``pyproject.toml``)::

    [tool.timeline.regression]
    raw = "data/raw"                  # corpus folder (OUTPUT.md input forms)
    gold = "tests/gold"               # gold *.json files (GOLD.md)
    # baseline = "tests/gold-baseline.json"   # baseline mode, see baseline.py
    # tolerance = 0.02                        # how far below the baseline a metric may drop
    # now = "2025-01-01"                      # reference date passed to extract()
    # report = "build/gold-report.html"       # write an HTML/Markdown report after the run

    [tool.timeline.regression.thresholds]
    timex_relaxed_F1 = 0.95
    timeline_F1 = 0.90

    [tool.timeline.regression.articles."seed-003"]   # per-article overrides
    mention_F1 = 0.75
    # skip = "gold under review"

Command-line options (``pytest --help``, group "timeline") override or replace it:
``--timeline-gold``, ``--timeline-raw``, ``--timeline-threshold METRIC=VALUE``,
``--timeline-baseline``, ``--timeline-tolerance``, ``--timeline-update-baseline``,
``--timeline-report``. ``-p no:timeline`` turns the plugin off entirely.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from timeline.regression import ARTICLE_METRICS, METRICS, is_article_metric
from timeline.regression.baseline import Baseline, Check, check, load_baseline, make_bars

__all__ = ["GoldArticleItem", "GoldDirectory", "GoldRegression", "GoldTimelineItem", "Settings"]

TABLE = "tool.timeline.regression"
_KEYS = {
    "raw",
    "gold",
    "thresholds",
    "articles",
    "baseline",
    "tolerance",
    "now",
    "report",
    "enabled",
}
_PLUGIN_NAME = "timeline-regression"


# -------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """The plugin's configuration, merged from ``pyproject.toml`` and the command line."""

    raw: Path
    gold: Path
    thresholds: dict[str, float] = field(default_factory=dict)
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    baseline: Path | None = None
    tolerance: float = 0.0
    now: date | None = None
    report: Path | None = None
    update_baseline: bool = False
    source: str = "command line"
    from_command_line: bool = False


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the options; nothing else happens unless the plugin is configured."""
    group = parser.getgroup("timeline", "gold-timeline regression (timeline)")
    group.addoption(
        "--timeline-gold",
        metavar="DIR",
        help="gold folder to test against (turns the regression on without pyproject config)",
    )
    group.addoption("--timeline-raw", metavar="DIR", help="raw corpus folder the gold describes")
    group.addoption(
        "--timeline-threshold",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="minimum for a metric (repeatable; overrides pyproject's thresholds)",
    )
    group.addoption("--timeline-baseline", metavar="FILE", help="baseline file (baseline mode)")
    group.addoption(
        "--timeline-tolerance",
        type=float,
        metavar="X",
        help="how far below the baseline a metric may drop (default 0)",
    )
    group.addoption(
        "--timeline-update-baseline",
        action="store_true",
        help="record the current scores to the baseline file instead of checking them",
    )
    group.addoption(
        "--timeline-report",
        metavar="FILE",
        help="write an HTML (or, for *.md, Markdown) report of the gold regression",
    )


def _pyproject(config: pytest.Config) -> Path | None:
    candidates = []
    if config.inipath is not None and config.inipath.name == "pyproject.toml":
        candidates.append(config.inipath)
    candidates += [
        config.rootpath / "pyproject.toml",
        config.invocation_params.dir / "pyproject.toml",
    ]
    return next((p for p in candidates if p.is_file()), None)


def _table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise pytest.UsageError(f"{path}: cannot read: {exc}") from exc
    table: Any = data
    for key in TABLE.split("."):
        if not isinstance(table, dict) or key not in table:
            return None
        table = table[key]
    if not isinstance(table, dict):
        raise pytest.UsageError(f"{path}: [{TABLE}] must be a table")
    return table


def _metric_value(where: str, metric: str, value: Any, allowed: tuple[str, ...]) -> float:
    if metric not in allowed:
        raise pytest.UsageError(f"{where}: unknown metric {metric!r}; one of: {', '.join(allowed)}")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise pytest.UsageError(f"{where}: {metric} must be a number in [0, 1], got {value!r}")
    return float(value)


def _settings(config: pytest.Config) -> Settings | None:
    """The settings when the plugin is configured, else None (then it does nothing)."""
    opt = config.getoption
    path = _pyproject(config)
    table = _table(path) if path is not None else None
    if table is not None and table.get("enabled", True) is False:
        table = None
    if table is None and not opt("timeline_gold"):
        return None
    table = table or {}
    where = f"{path}: [{TABLE}]" if path is not None else "--timeline-*"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise pytest.UsageError(f"{where}: unknown key(s) {unknown}; known: {sorted(_KEYS)}")
    base = path.parent if path is not None else config.invocation_params.dir
    cwd = config.invocation_params.dir

    def location(option: str, key: str, required: bool) -> Path | None:
        if opt(option):
            return (cwd / opt(option)).resolve()
        if key in table:
            if not isinstance(table[key], str):
                raise pytest.UsageError(f"{where}: {key} must be a path string")
            return (base / table[key]).resolve()
        if required:
            flag = "--" + option.replace("_", "-")
            raise pytest.UsageError(f"{where}: {key!r} is required (or pass {flag})")
        return None

    raw = location("timeline_raw", "raw", True)
    gold = location("timeline_gold", "gold", True)
    assert raw is not None and gold is not None
    for name, folder in (("raw", raw), ("gold", gold)):
        if not folder.exists():
            raise pytest.UsageError(f"{where}: {name} folder not found: {folder}")

    raw_thresholds = table.get("thresholds", {})
    if not isinstance(raw_thresholds, dict):
        raise pytest.UsageError(f"{where}: thresholds must be a table of metric = minimum")
    thresholds = {
        m: _metric_value(f"{where}.thresholds", m, v, METRICS) for m, v in raw_thresholds.items()
    }
    for item in opt("timeline_threshold"):
        metric, sep, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = None
        if not sep or number is None:
            raise pytest.UsageError(f"--timeline-threshold: expected METRIC=VALUE, got {item!r}")
        thresholds[metric.strip()] = _metric_value(
            "--timeline-threshold", metric.strip(), number, METRICS
        )

    articles: dict[str, dict[str, Any]] = {}
    raw_articles = table.get("articles", {})
    if not isinstance(raw_articles, dict):
        raise pytest.UsageError(f"{where}: articles must be a table of article tables")
    for aid, overrides in raw_articles.items():
        if not isinstance(overrides, dict):
            raise pytest.UsageError(f"{where}.articles.{aid}: must be a table")
        entry: dict[str, Any] = {}
        for key, value in overrides.items():
            if key == "skip":
                entry["skip"] = str(value) if value is not True else "skipped in pyproject.toml"
            else:
                entry[key] = _metric_value(f"{where}.articles.{aid}", key, value, ARTICLE_METRICS)
        articles[str(aid)] = entry

    tolerance = opt("timeline_tolerance")
    if tolerance is None:
        tolerance = table.get("tolerance", 0.0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
        raise pytest.UsageError(f"{where}: tolerance must be a number >= 0, got {tolerance!r}")
    now = table.get("now")
    if now is not None:
        try:
            now = now if isinstance(now, date) else date.fromisoformat(str(now))
        except ValueError as exc:
            raise pytest.UsageError(f"{where}: now must be an ISO date, got {now!r}") from exc
    baseline = location("timeline_baseline", "baseline", False)
    if opt("timeline_update_baseline") and baseline is None:
        raise pytest.UsageError(
            "--timeline-update-baseline needs a baseline file (config or option)"
        )
    return Settings(
        raw=raw,
        gold=gold,
        thresholds=thresholds,
        articles=articles,
        baseline=baseline,
        tolerance=float(tolerance),
        now=now,
        report=location("timeline_report", "report", False),
        update_baseline=bool(opt("timeline_update_baseline")),
        source=str(path) if table else "command line",
        from_command_line=bool(opt("timeline_gold")),
    )


def pytest_configure(config: pytest.Config) -> None:
    """Activate the regression when configured; otherwise return at once."""
    settings = _settings(config)
    if settings is None:
        return
    config.pluginmanager.register(GoldRegression(config, settings), _PLUGIN_NAME)
    # make sure the gold folder is collected when no explicit path excludes it
    explicit = config.args_source == pytest.Config.ArgsSource.ARGS
    if not explicit or settings.from_command_line:
        args = [(config.invocation_params.dir / a.split("::")[0]).resolve() for a in config.args]
        if not any(settings.gold == a or a in settings.gold.parents for a in args):
            config.args.append(str(settings.gold))


# ---------------------------------------------------------------------------- runtime


class GoldRegressionFailure(Exception):
    """A regression item failed; the message is the whole report."""


class GoldRegression:
    """The active plugin: collects the gold folder, runs the pipeline once, writes outputs."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self._evaluation: Any = None
        self._articles: dict[str, Any] | None = None
        self._baseline: Baseline | None = None
        self._baseline_error: str | None = None
        self.failed_checks: list[str] = []

    # -- collection

    @pytest.hookimpl(tryfirst=True)
    def pytest_collect_directory(self, path: Path, parent: pytest.Collector) -> Any:
        """The gold folder becomes a :class:`GoldDirectory`."""
        if path.resolve() == self.settings.gold:
            return GoldDirectory.from_parent(parent, path=path)
        return None

    # -- the one run

    def articles(self) -> dict[str, Any]:
        """The usable articles of the raw folder by id (read once)."""
        if self._articles is None:
            from timeline.corpus import read_corpus

            s = self.settings
            self._articles = {
                a.id: a for a, _status in read_corpus(s.raw, now=s.now) if a is not None
            }
        return self._articles

    def evaluation(self) -> Any:
        """The pipeline's run on the raw folder, scored against the gold (cached)."""
        if self._evaluation is None:
            from timeline.evaluate import load_gold
            from timeline.pipeline import extract
            from timeline.regression.diff import evaluate

            s = self.settings
            result = extract(s.raw, now=s.now)
            self._evaluation = evaluate(
                load_gold(s.gold),
                result.timexes,
                result.mentions,
                result.events,
                {aid: a.text for aid, a in self.articles().items()},
            )
        return self._evaluation

    def baseline(self) -> Baseline | None:
        """The recorded baseline in baseline mode (None otherwise); raises when unusable."""
        s = self.settings
        if s.baseline is None or s.update_baseline:
            return None
        if self._baseline is None and self._baseline_error is None:
            try:
                self._baseline = load_baseline(s.baseline)
            except FileNotFoundError:
                self._baseline_error = (
                    f"baseline file not found: {s.baseline}\n"
                    "record it first: pytest --timeline-update-baseline"
                )
            except ValueError as exc:
                self._baseline_error = str(exc)
        if self._baseline_error is not None:
            raise GoldRegressionFailure(self._baseline_error)
        return self._baseline

    def checks(self, article_id: str | None) -> list[Check]:
        """The bars of an article (or of the corpus when None) against its scores."""
        s = self.settings
        ev = self.evaluation()
        baseline = self.baseline()
        if article_id is None:
            recorded = baseline.corpus if baseline is not None else None
            bars = make_bars(METRICS, s.thresholds, None, recorded, s.tolerance)
            return check(ev.scores, bars)
        overrides = {k: v for k, v in s.articles.get(article_id, {}).items() if k != "skip"}
        recorded = None
        if baseline is not None:
            recorded = baseline.articles.get(article_id, {})
        bars = make_bars(ARTICLE_METRICS, s.thresholds, overrides, recorded, s.tolerance)
        return check(ev.article_scores.get(article_id, {}), bars)

    # -- end of session

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Record the baseline and write the report, when asked to."""
        s = self.settings
        if getattr(self.config, "workerinput", None) is not None:
            return  # an xdist worker: the controller writes
        if s.update_baseline and s.baseline is not None and self._collected(session):
            from timeline.regression.baseline import record_baseline

            ev = self.evaluation()
            record_baseline(s.baseline, ev.scores, ev.article_scores)
        if s.report is not None and self._evaluation is not None:
            from timeline.report import write_report

            write_report(s.report, self._evaluation)

    def _collected(self, session: pytest.Session) -> bool:
        return any(isinstance(item, GoldItem) for item in session.items)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """A short summary of the pooled scores (the whole table with ``-v``)."""
        ev = self._evaluation
        s = self.settings
        if ev is None:
            return
        tr = terminalreporter
        tr.section("timeline gold regression", sep="-")
        shown = [m for m in ("timex_relaxed_F1", "timex_value_F1", "mention_F1", "timeline_F1")]
        scores = " ".join(
            f"{m}={ev.scores[m]:.3f}" for m in shown if isinstance(ev.scores.get(m), float)
        )
        tr.write_line(f"{len(ev.gold)} gold articles in {s.gold}: {scores}")
        if self.config.getoption("verbose") > 0:
            from timeline.evaluate import format_table

            tr.write_line(format_table(ev.scores))
        if s.update_baseline and s.baseline is not None:
            tr.write_line(f"baseline recorded: {s.baseline}")
        if s.report is not None:
            tr.write_line(f"report written: {s.report}")


# ------------------------------------------------------------------------------ nodes


def _active(config: pytest.Config) -> GoldRegression:
    plugin = config.pluginmanager.get_plugin(_PLUGIN_NAME)
    assert isinstance(plugin, GoldRegression)
    return plugin


class GoldDirectory(pytest.Dir):
    """The gold folder: one item per gold article, one for the timeline, then its files."""

    @classmethod
    def from_parent(cls, parent: pytest.Collector, *, path: Path) -> GoldDirectory:  # type: ignore[override]
        """A gold folder outside the rootdir keeps its absolute path as node id."""
        root = parent.config.rootpath
        nodeid = None if path == root or root in path.parents else path.as_posix()
        return super(pytest.Dir, cls).from_parent(parent=parent, path=path, nodeid=nodeid)

    @property
    def regression(self) -> GoldRegression:
        """The active plugin instance of this session."""
        return _active(self.config)

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        """Check the gold against its raw texts, then yield the regression items."""
        from timeline.gold import check_gold_docs

        s = self.regression.settings
        issues = check_gold_docs(sorted(s.gold.glob("*.json")), self.regression.articles())
        errors = [i for i in issues if i.severity == "error"]
        if errors:
            raise GoldFileError(errors)
        from timeline.evaluate import load_gold

        for aid, doc in sorted(load_gold(s.gold).items()):
            yield GoldArticleItem.from_parent(
                self, name=aid, article_id=aid, gold_file=Path(doc.source or s.gold)
            )
        yield GoldTimelineItem.from_parent(self, name="timeline")
        yield from super().collect()

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> str:  # type: ignore[override]
        """A broken gold file: the list of problems, not a traceback."""
        if isinstance(excinfo.value, GoldFileError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))


class GoldFileError(Exception):
    """Gold files that do not load or do not match their raw text."""

    def __init__(self, issues: list[Any]) -> None:
        lines = "\n".join(f"  {i}" for i in issues)
        super().__init__(
            f"{len(issues)} problem(s) in the gold files (timeline gold check):\n{lines}"
        )


class GoldItem(pytest.Item):
    """Shared behaviour of the regression items: readable failures, no traceback."""

    @property
    def regression(self) -> GoldRegression:
        """The active plugin instance of this session."""
        return _active(self.config)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> str:  # type: ignore[override]
        """The regression report for a regression failure; pytest's own otherwise."""
        if isinstance(excinfo.value, GoldRegressionFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def _fail_if(self, title: str, checks: list[Check], problems: list[Any]) -> None:
        from timeline.regression.diff import format_problems

        failing = [c for c in checks if not c.ok]
        if not failing:
            return
        parts = [title, f"{len(failing)} metric(s) below the bar:"]
        parts += [f"  {c.describe()}" for c in failing]
        passing = [c for c in checks if c.ok]
        if passing:
            parts.append("passing: " + ", ".join(f"{c.bar.metric}" for c in passing))
        if problems:
            parts.append(f"problems ({len(problems)}):")
            parts.append(format_problems(problems))
        else:
            parts.append("no listed problem: the drop comes from neutral or optional items")
        raise GoldRegressionFailure("\n".join(parts))


class GoldArticleItem(GoldItem):
    """One gold article: its timex, mention and status metrics against their bars."""

    def __init__(self, *, article_id: str, gold_file: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.article_id = article_id
        self.gold_file = gold_file
        skip = self.regression.settings.articles.get(article_id, {}).get("skip")
        if skip:
            self.add_marker(pytest.mark.skip(reason=str(skip)))

    def runtest(self) -> None:
        """Fail with the article's diff when one of its metrics is below its bar."""
        reg = self.regression
        ev = reg.evaluation()
        if reg.settings.update_baseline:
            return
        problems = ev.article_problems.get(self.article_id, [])
        title = f"gold article {self.article_id} ({self.gold_file.name})"
        self._fail_if(title, reg.checks(self.article_id), problems)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the item comes from: its gold file."""
        return self.gold_file, 0, f"timeline gold {self.article_id}"


class GoldTimelineItem(GoldItem):
    """The corpus: every configured metric pooled, failing with the timeline's problems."""

    def runtest(self) -> None:
        """Fail with the timeline diff when a pooled metric is below its bar."""
        reg = self.regression
        ev = reg.evaluation()
        if reg.settings.update_baseline:
            return
        checks = reg.checks(None)
        failing = {c.bar.metric for c in checks if not c.ok}
        problems = list(ev.timeline_problems)
        if any(is_article_metric(m) for m in failing):
            problems = [p for aid in sorted(ev.article_problems) for p in ev.article_problems[aid]]
            problems += list(ev.timeline_problems)
        title = f"gold timeline, pooled over {len(ev.gold)} article(s) of {reg.settings.gold}"
        self._fail_if(title, checks, problems)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the item comes from: the gold folder."""
        return self.regression.settings.gold, 0, "timeline gold corpus"
