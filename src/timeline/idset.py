"""The ids a corpus reader has already accepted, in about 16 bytes each.

Reporting a repeated id as ``duplicate_id`` needs every id read so far. As Python
strings in a set that is ~95 bytes an id (95 MB for a million 12-character ids,
measured), the one part of the local engine's reader that grew with the corpus.
:class:`IdSet` keeps the newest ids as strings and folds them, 65,536 at a time,
into sorted numpy runs of 128-bit BLAKE2b digests.

Two different ids are taken for one only if their digests collide: for a billion
ids the chance is below 10^-20, far below that of a disk error; and even then
the later record is not lost but listed in the article report as ``duplicate_id``.
"""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import blake2b

import numpy as np

_BUFFER = 65_536  # ids kept as strings before they are folded into a run


def digest(article_id: str) -> tuple[int, int]:
    """An id's 128-bit BLAKE2b digest as two 64-bit halves."""
    # surrogatepass: a JSON id may hold a lone surrogate (\ud800), which strict UTF-8 refuses
    raw = blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return int.from_bytes(raw[:8], "little"), int.from_bytes(raw[8:], "little")


def digests(ids: Iterable[str]) -> np.ndarray:
    """The digests of ``ids``, one row of two uint64 halves each."""
    return np.array([digest(i) for i in ids], dtype=np.uint64).reshape(-1, 2)


class _Run:
    """Digests sorted by their first half; the second half tells near-collisions apart."""

    __slots__ = ("hi", "lo")

    def __init__(self, hi: np.ndarray, lo: np.ndarray) -> None:
        order = np.lexsort((lo, hi))
        self.hi = hi[order]
        self.lo = lo[order]

    def __len__(self) -> int:
        return len(self.hi)

    def __contains__(self, key: tuple[int, int]) -> bool:
        # a numpy scalar, not a Python int: searchsorted would convert the whole
        # uint64 array to compare it with an int (0.7 µs against 500 µs a lookup)
        hi, lo = np.uint64(key[0]), np.uint64(key[1])
        i = int(self.hi.searchsorted(hi))
        while i < len(self.hi) and self.hi[i] == hi:
            if self.lo[i] == lo:
                return True
            i += 1
        return False


class IdSet:
    """A growing set of strings with ``in`` and ``add``, compact when large.

    ``add`` does not look the id up again (the reader has just asked ``in``): an id
    added twice is stored twice, which changes nothing for ``in``.

    >>> ids = IdSet(buffer=2)
    >>> for name in ["a1", "a2", "a3"]:
    ...     ids.add(name)
    >>> "a1" in ids, "a3" in ids, "b" in ids
    (True, True, False)
    """

    def __init__(self, buffer: int = _BUFFER, known: np.ndarray | None = None) -> None:
        """``known`` (n × 2 uint64, from :func:`digests`): ids already in the set."""
        self._buffer = buffer
        self._recent: set[str] = set()
        # Sizes stay decreasing, each run at least twice the next (runs are merged
        # like the digits of a binary counter), so a lookup tries at most
        # log2(n / buffer) + 1 runs and each digest is merged as often.
        self._runs: list[_Run] = []
        if known is not None and len(known):
            self._runs.append(_Run(known[:, 0], known[:, 1]))

    def __contains__(self, article_id: object) -> bool:
        if not isinstance(article_id, str):
            return False
        if article_id in self._recent:
            return True
        if not self._runs:
            return False
        key = digest(article_id)
        return any(key in run for run in self._runs)

    def add(self, article_id: str) -> None:
        self._recent.add(article_id)
        if len(self._recent) >= self._buffer:
            self._fold()

    def _fold(self) -> None:
        run = _Run(*digests(self._recent).T)
        self._recent = set()
        while self._runs and len(self._runs[-1]) <= 2 * len(run):
            last = self._runs.pop()
            run = _Run(np.concatenate([last.hi, run.hi]), np.concatenate([last.lo, run.lo]))
        self._runs.append(run)
