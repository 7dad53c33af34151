"""A math-verify worker process for :mod:`abr.plugins.checkers.expression` (``python -m`` this module).

Reads one JSON object per line (``{"gold": ..., "predicted": ...}``) and answers one line each
(``{"equal": true}`` or ``{"error": "..."}``), until its input closes. Answers are data in, verdicts
out; nothing read is ever executed.
"""

from __future__ import annotations

import json
import sys


def _latex(text: str) -> str:
    text = text.strip()
    return text if text.startswith("$") else f"${text}$"


def symbolic_equal(gold: str, predicted: str) -> bool:
    """math-verify's verdict on two answers written in LaTeX or plain math."""
    from math_verify import parse, verify

    gold_parsed = parse(_latex(gold))
    predicted_parsed = parse(_latex(predicted))
    if not gold_parsed or not predicted_parsed:
        return False
    return bool(verify(gold_parsed, predicted_parsed))


def main() -> None:
    import math_verify  # noqa: F401 - loaded before the first request, so timeouts measure checking only

    for line in sys.stdin:
        reply: dict[str, object]
        try:
            request = json.loads(line)
            reply = {"equal": symbolic_equal(str(request["gold"]), str(request["predicted"]))}
        except Exception as exc:  # a bad request or a math-verify failure is a verdict, not a crash
            reply = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
