"""A progress bar for long extractions: on a terminal, never in CI or a pipe.

``tqdm`` is used when it is installed (the ``progress`` extra); otherwise a
minimal built-in bar writes one self-overwriting line to standard error. Both
appear only once a run has lasted :data:`DELAY` seconds, so a short run prints
nothing at all.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["DELAY", "progress_enabled", "track"]

T = TypeVar("T")

DELAY = 1.0  # seconds before a bar first appears
_REFRESH = 0.25  # seconds between redraws of the built-in bar


def progress_enabled(progress: bool | None = None, stream: TextIO | None = None) -> bool:
    """Whether to draw a bar: ``progress`` if given, else auto.

    Auto (``None``) means: ``stream`` (standard error by default) is a terminal and
    the ``CI`` environment variable is unset or empty.

    >>> progress_enabled(False)
    False
    >>> progress_enabled(True)
    True
    """
    if progress is not None:
        return bool(progress)
    stream = sys.stderr if stream is None else stream
    if os.environ.get("CI"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def track(
    items: Iterable[T],
    *,
    total: int | None = None,
    progress: bool | None = None,
    desc: str = "مقالات",
    stream: TextIO | None = None,
) -> Iterator[T]:
    """Yield ``items`` unchanged, drawing a progress bar when :func:`progress_enabled`.

    >>> list(track(["مقال ١", "مقال ٢"], progress=False))
    ['مقال ١', 'مقال ٢']
    """
    stream = sys.stderr if stream is None else stream
    if not progress_enabled(progress, stream):
        yield from items
        return
    try:
        from tqdm.auto import tqdm
    except ImportError:
        yield from _SimpleBar(total, desc, stream).wrap(items)
        return
    yield from tqdm(items, total=total, desc=desc, unit="rec", delay=DELAY, file=stream)


class _SimpleBar:
    """The fallback bar: ``مقالات 1200/5000 (24%) 310 rec/s`` redrawn on one line."""

    def __init__(self, total: int | None, desc: str, stream: TextIO) -> None:
        self.total = total
        self.desc = desc
        self.stream = stream
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def wrap(self, items: Iterable[T]) -> Iterator[T]:
        count = 0
        try:
            for item in items:
                yield item
                count += 1
                now = time.monotonic()
                if now - self.started >= DELAY and now - self.last >= _REFRESH:
                    self.draw(count, now)
        finally:
            if self.shown:
                self.draw(count, time.monotonic())
                self.stream.write("\n")
                self.stream.flush()

    def draw(self, count: int, now: float) -> None:
        self.last = now
        self.shown = True
        rate = count / max(now - self.started, 1e-9)
        done = f"{count}/{self.total} ({count / self.total:.0%})" if self.total else f"{count}"
        self.stream.write(f"\r{self.desc} {done} {rate:.0f} rec/s")
        self.stream.flush()
