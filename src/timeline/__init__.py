"""timeline: Arabic news to a clean, deduplicated event timeline."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("timeline")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"

SCHEMA_VERSION = "1"

__all__ = ["SCHEMA_VERSION", "__version__"]
