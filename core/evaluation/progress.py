"""Progress for long runs: a rich bar with throughput and ETA on a terminal, a log line every 30 s otherwise
(batch jobs write to files), nothing with ``-q``."""

from __future__ import annotations

import sys
import time
from typing import Any

LOG_EVERY_S = 30.0


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


class Progress:
    """Counts finished requests against a total; ``rate`` and ``eta`` are over the whole run so far."""

    def __init__(self, total: int, label: str, quiet: bool = False, stream: Any = None) -> None:
        self.total = total
        self.done = 0
        self.label = label
        self.started = time.perf_counter()
        self.stream = stream or sys.stderr
        self._last_log = self.started
        self.bar: Any = None
        self.quiet = quiet or total == 0
        if self.quiet or not getattr(self.stream, "isatty", lambda: False)():
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import (
            Progress as RichProgress,
        )

        self.bar = RichProgress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                TextColumn("ETA"), TimeRemainingColumn(), console=Console(file=self.stream),
                                transient=True)
        self.bar.start()
        self.task = self.bar.add_task(label, total=total, rate="")

    @property
    def rate(self) -> float:
        elapsed = time.perf_counter() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(self.task, advance=n, rate=f"{self.rate:.2f} req/s")
            return
        now = time.perf_counter()
        if now - self._last_log >= LOG_EVERY_S:
            self._last_log = now
            print(f"abr: {self.line()}", file=self.stream, flush=True)

    def line(self) -> str:
        rate = self.rate
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        share = 100.0 * self.done / self.total if self.total else 100.0
        return f"{self.label} {self.done}/{self.total} ({share:.1f}%), {rate:.2f} req/s, ETA {_duration(eta)}"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
