"""`timeline show`: the terminal view of events.parquet."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.cli import main
from timeline.cli_exit import ExitCode
from timeline.cli_show import LRM

ROOT = Path(__file__).resolve().parents[1]


def test_show_prints_one_line_per_event(capsys):
    assert main(["show", str(ROOT / "data")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["date", "type", "src", "place", "participants"]
    assert lines[-1].endswith("events")
    n = int(lines[-1].split()[0])
    assert len(lines) == n + 2
    row = next(line for line in lines if "واشنطن" in line)
    # left-to-right columns first; each Arabic field closed by a LRM so bidi
    # terminals keep the column order
    assert row.startswith(LRM) and "واشنطن" + LRM in row
    assert row.split()[1] in {"MEET", "AGREE", "ATTACK"}


def test_show_filters_and_limits(capsys):
    main(["show", str(ROOT / "data"), "--type", "MEET", "--participant", "نتنياهو"])
    out = capsys.readouterr().out
    body = out.splitlines()[1:-1]
    assert body and all(" MEET " in line and "نتنياهو" in line for line in body)
    main(["show", str(ROOT / "data"), "--limit", "2"])
    assert "(2 shown)" in capsys.readouterr().out


def test_show_visual_mode_reorders_arabic(capsys):
    pytest.importorskip("bidi")
    pytest.importorskip("arabic_reshaper")
    main(["show", str(ROOT / "data"), "--bidi", "visual", "--place", "واشنطن"])
    out = capsys.readouterr().out
    assert "واشنطن" not in out and "\ufee6" in out  # shaped presentation forms (final ن)


def test_show_missing_folder_is_an_error(tmp_path, capsys):
    assert main(["show", str(tmp_path)]) == ExitCode.NOT_FOUND
    assert "timeline extract" in capsys.readouterr().err
