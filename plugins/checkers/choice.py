"""``abr/choice``: an option letter, read from the forms models write, and never a hedge.

Accepted for gold ``B``: ``B``, ``(B)``, ``B)``, ``B.``, ``[B]``, ``b``, ``Option B``, ``B) 97``,
``(B) 97``, ``B: 97``. Rejected: another letter, ``A or B``, ``A, B``, ``A and B``, ``A/B``, a letter
outside the rule's ``options`` and anything that does not start with a letter (an error message, a
number). The text after the letter is the option's own text and is otherwise ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from abr.answers import clean, normalize_text
from abr.components import AnswerChecker

_LEAD = re.compile(r"^(?:(?:the\s+)?(?:correct\s+)?(?:answer|option|choice)\s*(?:is\s*)?[:：]?\s*)+", re.IGNORECASE)
_LETTER = re.compile(r"^[(\[]?([A-Za-z])[)\]]?(?:[.:)]|(?=\s)|$)(?P<rest>.*)$")
_HEDGE = re.compile(r"(?:\bor\b|\band\b|,|/|&|\+)\s*[(\[]?([A-Z])(?![A-Za-z])|[(\[]([A-Z])[)\]]|(?<![A-Za-z])([A-Z])\)")


def option_letter(predicted: str, options: tuple[str, ...] = ()) -> str | None:
    """The single option letter a response commits to, or None (no letter, or several)."""
    text = _LEAD.sub("", normalize_text(clean(predicted)))
    m = _LETTER.match(text)
    if not m:
        return None
    letter, rest = m.group(1), m.group("rest")
    if letter.islower() and rest.strip():
        return None  # a word such as "a prime", not a letter
    letter = letter.upper()
    others = {g for groups in _HEDGE.findall(rest) for g in groups if g and g != letter}
    if others & (set(options) if options else set("ABCDEFGHIJ")):
        return None
    return letter


class Choice(AnswerChecker):
    name = "choice"
    version = 1
    description = "Option letters: accepts B, (B), Option B, B) 97; rejects hedges such as 'A or B'"
    answer_types = ("choice",)

    def check(self, predicted: str, gold: str, rule: Mapping[str, Any]) -> bool:
        options = tuple(str(o).upper() for o in rule.get("options", ()))
        letter = option_letter(predicted, options)
        if letter is None or (options and letter not in options):
            return False
        return letter == gold.strip().upper()
