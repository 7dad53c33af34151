"""Progress on long runs: a log line with done/total, throughput and ETA when stderr is not a terminal."""

from __future__ import annotations

import io
import re

import pytest
from abr.evaluation import progress as progress_module
from abr.evaluation.progress import Progress


def test_log_lines_have_throughput_and_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "LOG_EVERY_S", 0.0)
    stream = io.StringIO()
    bar = Progress(40, "eval m", stream=stream)
    bar.advance(10)
    bar.advance(10)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"abr: eval m 20/40 \(50\.0%\), [0-9.]+ req/s, ETA \d+(m\d\ds|s|h\d\dm)", lines[-1])
    quiet = io.StringIO()
    silent = Progress(40, "eval m", quiet=True, stream=quiet)
    silent.advance(40)
    assert quiet.getvalue() == "" and silent.done == 40
