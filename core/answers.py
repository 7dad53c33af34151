"""Pulling the final answer out of a model's response, and normalizing it for comparison.

Order: reasoning is removed (``<think>…</think>``, also ``<thinking>`` and ``<reasoning>``; text before a
lone closing tag is reasoning too, as when the chat template opened the block; an unclosed block means no
answer was given), then the last ``Answer:`` line (``Final answer:``, bold or not), else the last
``\\boxed{…}``, else the last non-empty line (without a leading "The answer is"). The result is cleaned
of markdown emphasis, LaTeX math delimiters, surrounding quotes and a trailing period.

Numbers are read by :func:`parse_number`: unicode minus signs, full-width digits, thousands separators
(``1,234``, ``1 234``), currency signs, a trailing percent sign, ``x = 5`` and simple fractions (``7/2``,
``\\frac{7}{2}``) are understood; anything else around a number makes it unreadable (None), so an error
message never passes for an answer.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation, localcontext

import attrs

_TAGS = "think|thinking|reasoning"
_BLOCK = re.compile(rf"<({_TAGS})>.*?</\1>", re.DOTALL | re.IGNORECASE)
_OPEN = re.compile(rf"<(?:{_TAGS})>", re.IGNORECASE)
_CLOSE = re.compile(rf"</(?:{_TAGS})>", re.IGNORECASE)
_ANSWER_LINE = re.compile(r"^\s*(?:[#>*_\s]*)(?:final\s+)?answer\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?(.*)$",
                          re.IGNORECASE | re.MULTILINE)
_MARKDOWN = re.compile(r"\*\*|__|`|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<!\w)_|_(?!\w)")
_LATEX_WRAP = re.compile(r"^(?:\$\$?|\\\(|\\\[)(.*?)(?:\$\$?|\\\)|\\\])$", re.DOTALL)
_TEXT_CMD = re.compile(r"\\(?:text|mathrm|textbf|mathbf)\{([^{}]*)\}")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:(?P<sep>[, \u00a0\u202f\u2009'])\d{3})(?:(?P=sep)\d{3})*(?:\.\d+)?$")
_FRACTION = re.compile(r"^([+-]?\d+)\s*/\s*(\d+)$")
_TEX_FRACTION = re.compile(r"^([+-]?)\\[dt]?frac\{([+-]?\d+)\}\{(\d+)\}$")
_ASSIGNMENT = re.compile(r"^[A-Za-z]\s*=\s*")
_ANSWER_IS = re.compile(r"^(?:so,?\s+|therefore,?\s+|thus,?\s+)?the\s+(?:final\s+)?answer\s+is\s*:?\s*", re.IGNORECASE)
_MINUS = str.maketrans({"−": "-", "–": "-", "‒": "-", "﹣": "-", "－": "-"})
_CURRENCY = "$€£¥₹"


@attrs.frozen
class Extraction:
    """The final answer text, or why there is none (``unclosed-think``, ``empty``)."""

    answer: str | None
    status: str = "ok"


def strip_reasoning(response: str) -> str | None:
    """The response without its reasoning blocks, or None when a block is never closed."""
    text = _BLOCK.sub("", response)
    if _OPEN.search(text):
        return None
    closes = list(_CLOSE.finditer(text))
    return text[closes[-1].end():] if closes else text


def boxed(text: str) -> str | None:
    """The content of the last ``\\boxed{…}`` (braces balanced), or None."""
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
    text = strip_reasoning(response)
    if text is None:
        return Extraction(None, "unclosed-think")
    lines = [a for a in _ANSWER_LINE.findall(text) if a.strip()]
    if lines:
        answer = lines[-1].strip()
        inner = boxed(answer)
        return _found(inner if inner is not None else answer)
    inner = boxed(text)
    if inner is not None:
        return _found(inner)
    for line in reversed(text.strip().splitlines()):
        if line.strip():
            return _found(_ANSWER_IS.sub("", line.strip()))
    return Extraction(None, "empty")


def _found(text: str) -> Extraction:
    cleaned = clean(text)
    return Extraction(cleaned) if cleaned else Extraction(None, "empty")


def clean(text: str) -> str:
    """Strip markdown emphasis, LaTeX math delimiters, surrounding quotes and a trailing period."""
    text = _MARKDOWN.sub("", text).strip()
    for _ in range(2):
        m = _LATEX_WRAP.match(text)
        if m:
            text = m.group(1).strip()
    text = _TEXT_CMD.sub(r"\1", text)
    text = text.strip("\"'“”‘’ ").strip()
    if text.endswith(".") and not _NUMBER.match(text):
        text = text[:-1].rstrip()
    return text


def normalize_text(text: str) -> str:
    """NFKC, unicode minus signs as ``-``, whitespace collapsed: the common ground of every comparison."""
    text = unicodedata.normalize("NFKC", text).translate(_MINUS)
    return " ".join(text.split())


def parse_number(text: str) -> Decimal | None:
    """A number from answer text (see the module docstring), or None when the text is not just a number."""
    s = normalize_text(clean(text))
    s = _ASSIGNMENT.sub("", s)
    s = re.sub(rf"^([+-]?)\s*[{_CURRENCY}]\s*", r"\1", s)
    s = re.sub(rf"\s*[{_CURRENCY}]$", "", s)
    if s.endswith("%"):
        s = s[:-1].rstrip()
    if _GROUPED.match(s):
        s = re.sub(r"[, \u00a0\u202f\u2009']", "", s)
    for pattern in (_FRACTION, _TEX_FRACTION):
        m = pattern.match(s)
        if m:
            sign, num, den = ("", *m.groups()) if pattern is _FRACTION else m.groups()
            if int(den) == 0:
                return None
            with localcontext() as ctx:
                ctx.prec = 50
                value = Decimal(int(num)) / Decimal(int(den))
                return -value if sign == "-" else value
    if not _NUMBER.match(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None
