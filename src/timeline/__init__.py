"""timeline: Arabic news to a clean, deduplicated event timeline.

``timeline.extract`` and ``timeline.Result`` are imported lazily (on first use),
so ``import timeline`` stays light.

>>> import timeline
>>> result = timeline.extract("data/raw")            # doctest: +SKIP
>>> result.events.timeline.with_participant("نتنياهو")  # doctest: +SKIP
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("timeline")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"

SCHEMA_VERSION = "1"

if TYPE_CHECKING:
    from timeline.api import extract
    from timeline.pipeline import Result

_LAZY = {"extract": "timeline.api", "Result": "timeline.pipeline"}

__all__ = ["SCHEMA_VERSION", "Result", "__version__", "extract"]


def __getattr__(name: str) -> Any:
    """Import ``extract`` and ``Result`` on first access (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'timeline' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
