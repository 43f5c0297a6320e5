"""Regenerate quickstart.ipynb from quickstart.py and execute it, keeping the outputs.

    python notebooks/build.py            # needs the `notebook` extra

The .py (jupytext percent format) is the source of truth; the .ipynb is committed
with its outputs so that a reader sees them without running anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def build(name: str = "quickstart") -> Path:
    """Convert ``<name>.py`` to ``<name>.ipynb``, run it in this folder, write it."""
    notebook = jupytext.read(HERE / f"{name}.py")
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
    ).execute()
    out = HERE / f"{name}.ipynb"
    jupytext.write(notebook, out)
    return out


if __name__ == "__main__":
    for target in sys.argv[1:] or ["quickstart"]:
        print(build(target))
