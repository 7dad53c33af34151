"""``abr/expression``: symbolic answers (``\\frac{1}{2}``, ``(x+1)^2``, ``\\pi e^{2i}``) judged by math-verify.

math-verify parses LaTeX into sympy and can take very long on hostile input, so it runs in a small pool of
worker processes (:mod:`abr.plugins.checkers.math_worker`, talking JSON lines over pipes). Each check
waits at most ``timeout`` seconds (default 10, or the rule's ``timeout``); a worker that runs over is
killed and replaced, and the check counts as wrong. Equal normalized text, or two plain numbers, are
decided without a worker. Needs the ``math`` extra (math-verify, sympy).
"""

from __future__ import annotations

import importlib.util
import json
import queue
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import Any

from abr.answers import parse_number
from abr.components import AnswerChecker
from abr.errors import AbrError
from abr.plugins.checkers.text import normalize

DEFAULT_TIMEOUT = 10.0


class _Worker:
    """One worker process and a thread that turns its output lines into queue items."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "abr.plugins.checkers.math_worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8", bufsize=1,
        )
        self.replies: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.replies.put(line)
        self.replies.put(None)

    def ask(self, gold: str, predicted: str, timeout: float) -> bool | None:
        """The verdict, or None when the worker ran over ``timeout``, failed or died."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"gold": gold, "predicted": predicted}) + "\n")
            self.proc.stdin.flush()
            line = self.replies.get(timeout=timeout)
        except (OSError, queue.Empty):
            return None
        if line is None:
            return None
        reply = json.loads(line)
        return bool(reply["equal"]) if "equal" in reply else False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


class VerifierPool:
    """Up to ``size`` workers, started on demand; a worker that times out is killed, never reused."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._started = 0
        self._lock = threading.Lock()

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle.empty() and self._started < self.size:
                self._started += 1
                return _Worker()
        return self._idle.get()

    def equal(self, gold: str, predicted: str, timeout: float) -> bool | None:
        worker = self._take()
        verdict = worker.ask(gold, predicted, timeout)
        if verdict is None or not worker.alive():
            worker.kill()
            with self._lock:
                self._started -= 1
        else:
            self._idle.put(worker)
        return verdict

    def close(self) -> None:
        while not self._idle.empty():
            worker = self._idle.get()
            worker.kill()
            with self._lock:
                self._started -= 1


class Expression(AnswerChecker):
    name = "expression"
    version = 1
    description = "Symbolic answers (fractions, radicals, polynomials, equations) by math-verify, with a timeout"
    answer_types = ("expression",)

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, workers: int = 2) -> None:
        self.timeout = timeout
        self.pool = VerifierPool(workers)
        #: checks that ran over their timeout or whose worker failed (counted as wrong)
        self.timeouts = 0

    def check(self, predicted: str, gold: str, rule: Mapping[str, Any]) -> bool:
        if not predicted.strip():
            return False
        if normalize(predicted) == normalize(gold):
            return True
        p, g = parse_number(predicted), parse_number(gold)
        if p is not None and g is not None:
            return p == g
        if importlib.util.find_spec("math_verify") is None:
            raise AbrError("answer type 'expression' needs math-verify: pip install 'abr[math]'")
        verdict = self.pool.equal(gold, predicted, float(rule.get("timeout", self.timeout)))
        if verdict is None:
            self.timeouts += 1
            return False
        return verdict
