"""``abr/string``, ``abr/set`` and ``abr/list``: normalized text, unordered and ordered collections.

Text is compared after NFKC normalization, case folding, collapsing whitespace and dropping markdown,
surrounding quotes, trailing punctuation and a leading article (``The Cat.`` is ``cat``); the rule's
``aliases`` are accepted as well as the gold answer. Collections are split on commas, semicolons and a
final "and" (brackets and braces around them are ignored), so numbers in a collection are written
without thousands separators; numeric items compare by value (``2`` and ``2.0``), other items as text. A
set must have the same items in any order (repeats ignored); a list the same items in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from abr.answers import clean, normalize_text, parse_number
from abr.components import AnswerChecker

_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:[,;]|\band\b|&)\s*", re.IGNORECASE)


def normalize(text: str) -> str:
    """The comparable form of a text answer."""
    text = normalize_text(clean(text)).casefold()
    text = text.strip(" .,;:!\"'")
    return _ARTICLE.sub("", text).strip()


def _item(text: str) -> str:
    number = parse_number(text)
    if number is not None and number.is_finite():
        return format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))
    return normalize(text)


def items(text: str) -> list[str]:
    """The comparable items of a collection answer, in order."""
    body = normalize_text(clean(text)).strip()
    if len(body) >= 2 and body[0] + body[-1] in ("[]", "{}", "()"):
        body = body[1:-1]
    return [_item(part) for part in _SEPARATORS.split(body) if part.strip()]


class Text(AnswerChecker):
    name = "string"
    version = 1
    description = "Text answers after normalization (case, spacing, punctuation, articles), with rule aliases"
    answer_types = ("string",)

    def check(self, predicted: str, gold: str, rule: Mapping[str, Any]) -> bool:
        wanted = {normalize(gold), *(normalize(str(a)) for a in rule.get("aliases", ()))}
        got = normalize(predicted)
        return bool(got) and got in wanted


class SetOf(AnswerChecker):
    name = "set"
    version = 1
    description = "Unordered collections: the same items in any order, e.g. '3, 5, 7' = '{7, 3, 5}'"
    answer_types = ("set",)

    def check(self, predicted: str, gold: str, rule: Mapping[str, Any]) -> bool:
        got = items(predicted)
        return bool(got) and set(got) == set(items(gold))


class ListOf(AnswerChecker):
    name = "list"
    version = 1
    description = "Ordered lists: the same items in the same order, e.g. '3, 5, 7' = '[3, 5, 7]'"
    answer_types = ("list",)

    def check(self, predicted: str, gold: str, rule: Mapping[str, Any]) -> bool:
        got = items(predicted)
        return bool(got) and got == items(gold)
