"""Resident memory of a process and all its descendants, sampled while it runs.

``getrusage`` gives one peak per process for the whole run; the scale issue asks for
the peak *while extracting*, for the run process and its workers together. A
:class:`Sampler` thread reads ``VmRSS`` from ``/proc`` for this process and every
descendant (found through ``/proc/<pid>/task/<tid>/children``) every ``period``
seconds; :meth:`Sampler.peaks` gives, over the samples of a time window, this
process's peak, the largest single descendant's and the largest sum over all
processes at one instant. Linux only; elsewhere there are no samples.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

MB = 1e6


@dataclass
class Peaks:
    """Peak resident sizes in MB (10^6 bytes) while the stage ran."""

    parent: float = 0.0
    child: float = 0.0  # the largest single descendant
    total: float = 0.0  # all processes at one instant
    samples: int = 0


def status_bytes(pid: int | str, key: str) -> int | None:
    """A size from ``/proc/<pid>/status`` (``VmRSS``, ``VmHWM``, ...) in bytes; None if
    unreadable (not Linux, or the process ended between listing and reading)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _rss_bytes(pid: int) -> int:
    return status_bytes(pid, "VmRSS") or 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            found.extend(
                int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
            )
        except OSError:
            continue
    return found


def _descendants(pid: int) -> list[int]:
    out, todo = [], _children(pid)
    while todo:
        child = todo.pop()
        out.append(child)
        todo.extend(_children(child))
    return out


class Sampler:
    """A context manager around the run; ``peaks(start, end)`` after it (perf_counter times)."""

    def __init__(self, period: float = 0.25) -> None:
        self.period = period
        self.samples: list[tuple[float, float, float, float]] = []  # t, parent, child, total
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Sampler:
        if Path("/proc/self/status").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def peaks(self, start: float, end: float) -> Peaks:
        inside = [s for s in self.samples if start <= s[0] <= end]
        if not inside:
            return Peaks()
        return Peaks(
            parent=max(s[1] for s in inside),
            child=max(s[2] for s in inside),
            total=max(s[3] for s in inside),
            samples=len(inside),
        )

    def _loop(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            now = time.perf_counter()
            parent = _rss_bytes(me) / MB
            children = [_rss_bytes(pid) / MB for pid in _descendants(me)]
            self.samples.append((now, parent, max(children, default=0.0), parent + sum(children)))
            self._stop.wait(self.period)
