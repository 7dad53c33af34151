"""Pulling the final answer out of a model's response, and normalizing numbers for comparison.

Order: reasoning is removed (``<think>…</think>``; an unclosed think block means no answer was given),
then the last ``Answer:`` line, else the last ``\\boxed{…}``, else the last non-empty line.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

import attrs

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_ANSWER_LINE = re.compile(r"^\s*(?:\*\*|__)?\s*(?:final\s+)?answer\s*(?:\*\*|__)?\s*[:：]\s*(.*)$",
                          re.IGNORECASE | re.MULTILINE)
_MARKDOWN = re.compile(r"[*_`]+")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


@attrs.frozen
class Extraction:
    """The final answer text, or why there is none (``unclosed-think``, ``empty``)."""

    answer: str | None
    status: str = "ok"


def _boxed(text: str) -> str | None:
    start = text.rfind("\\boxed{")
    if start < 0:
        return None
    i = start + len("\\boxed{")
    depth = 1
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i:j]
    return None


def extract_final_answer(response: str) -> Extraction:
    """The final answer in a response, following the order in the module docstring."""
    text = _THINK.sub("", response)
    lower = text.lower()
    if "<think>" in lower:
        return Extraction(None, "unclosed-think")
    text = re.sub(r"</think>", "", text, flags=re.IGNORECASE)
    lines = _ANSWER_LINE.findall(text)
    if lines:
        answer = lines[-1].strip()
        boxed = _boxed(answer)
        return Extraction(clean(boxed if boxed is not None else answer))
    boxed = _boxed(text)
    if boxed is not None:
        return Extraction(clean(boxed))
    for line in reversed(text.strip().splitlines()):
        if line.strip():
            return Extraction(clean(line))
    return Extraction(None, "empty")


def clean(text: str) -> str:
    """Strip markdown emphasis, surrounding quotes and a trailing period."""
    text = _MARKDOWN.sub("", text).strip()
    text = text.strip("\"'“”‘’ ").strip()
    if text.endswith(".") and not _NUMBER.match(text):
        text = text[:-1].rstrip()
    return text


def parse_number(text: str) -> Decimal | None:
    """A number from answer text: unicode minus, full-width digits, thousands separators and currency
    signs are normalized; anything else around the number makes it unparseable (None)."""
    s = unicodedata.normalize("NFKC", text).strip()
    s = s.replace("−", "-").replace("–", "-").replace("\u2212", "-")
    s = s.strip("$€£¥ ")
    s = re.sub(r"^([+-])\s*[$€£¥]\s*", r"\1", s)
    s = s.rstrip("%").strip() if s.endswith("%") else s
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    s = s.replace(" ", "").replace("\u202f", "").replace("\u00a0", "")
    if not _NUMBER.match(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None
