"""The quickstart notebook: .ipynb in sync with its .py source, committed with outputs, runs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

jupytext = pytest.importorskip("jupytext")
nbformat = pytest.importorskip("nbformat")


def _cells(notebook) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


def test_ipynb_matches_its_py_source():
    source = jupytext.read(NOTEBOOKS / "quickstart.py")
    committed = nbformat.read(NOTEBOOKS / "quickstart.ipynb", as_version=4)
    assert _cells(committed) == _cells(source), "run: python notebooks/build.py"


def test_ipynb_is_committed_with_outputs():
    committed = nbformat.read(NOTEBOOKS / "quickstart.ipynb", as_version=4)
    code = [cell for cell in committed.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count for cell in code)
    assert all(cell.outputs for cell in code)
    errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert not errors
    kinds = {key for cell in code for o in cell.outputs for key in o.get("data", {})}
    assert {"image/png", "application/vnd.plotly.v1+json", "text/html"} <= kinds


def test_notebook_runs_top_to_bottom():
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    for module in ("plotly", "matplotlib", "duckdb", "arabic_reshaper", "bidi"):
        pytest.importorskip(module)
    notebook = jupytext.read(NOTEBOOKS / "quickstart.py")
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": NOTEBOOKS}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
