"""``abr/jsonl``: your own question set (``--question-bank jsonl:PATH[:ANSWER_TYPE]``), e.g. a local copy
of GSM8K or MATH.

One JSON object per line with ``question`` and ``answer``, and ``answer_type`` unless the argument gives
a default; optional ``rule`` (an object, e.g. ``{"places": 2}``), ``aliases`` (accepted alternative
answers for ``string``), and ``difficulty`` (0-1) or ``level`` (1-5 or ``"Level 3"``, as in MATH). A
GSM8K-style answer ending in ``#### 72`` is reduced to ``72``. Every line is validated on load and an
error names its line. Answers are stored canonically (``1,234`` becomes ``1234`` for an integer).

The file is the source of truth: ``solve`` looks the question up in it, so ``abr verify`` confirms that a
dataset's questions and answers are the file's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs
from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.program import format_value
from abr.rng import Rng

ANSWER_TYPES = ("integer", "decimal", "choice", "string", "set", "list", "expression")
_LEVEL = re.compile(r"^(?:level\s*)?([1-5])$", re.IGNORECASE)


@attrs.frozen
class Item:
    question: str
    answer: str
    answer_type: str
    rule: Mapping[str, Any]
    difficulty: float | None
    line: int


def normalize_question(text: str) -> str:
    """Unix newlines and no blank lines, so a question stays one paragraph of the prompt."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return re.sub(r"\n\s*\n+", "\n", text)


def canonical_answer(answer: Any, answer_type: str, where: str) -> str:
    """The answer in the form abr stores and compares (an error naming ``where`` when it does not fit)."""
    if isinstance(answer, bool) or not isinstance(answer, (str, int, float)):
        raise AbrError(f"{where}: 'answer' must be a string or a number, got {type(answer).__name__}")
    text = str(answer).strip()
    if "####" in text:
        text = text.rsplit("####", 1)[1].strip()
    if not text:
        raise AbrError(f"{where}: 'answer' is empty")
    if answer_type in ("integer", "decimal"):
        cleaned = text.replace(",", "").replace("$", "").strip()
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise AbrError(f"{where}: answer {text!r} is not a number (answer_type {answer_type})") from None
        if answer_type == "integer":
            if value != value.to_integral_value():
                raise AbrError(f"{where}: answer {text!r} is not an integer; use answer_type decimal")
            return str(int(value))
        return format_value(value)
    if answer_type == "choice":
        if not re.fullmatch(r"[A-Z]", text):
            raise AbrError(f"{where}: a choice answer is one capital letter, got {text!r}")
        return text
    if answer_type in ("set", "list"):
        return ", ".join(item.strip() for item in text.strip("[]{}()").split(",") if item.strip())
    return text


def _difficulty(record: Mapping[str, Any], where: str) -> float | None:
    if "difficulty" in record:
        d = record["difficulty"]
        if isinstance(d, bool) or not isinstance(d, (int, float)) or not 0 <= d <= 1:
            raise AbrError(f"{where}: 'difficulty' must be a number in [0, 1], got {d!r}")
        return float(d)
    level = record.get("level")
    if level is None:
        return None
    m = _LEVEL.match(str(level).strip())
    if not m:
        raise AbrError(f"{where}: 'level' must be 1-5 or 'Level N', got {level!r}")
    return (int(m.group(1)) - 1) / 4


def parse_item(record: Any, where: str, default_type: str | None, number: int) -> Item:
    if not isinstance(record, dict):
        raise AbrError(f"{where}: expected a JSON object, got {type(record).__name__}")
    question = record.get("question")
    if not isinstance(question, str) or not question.strip():
        raise AbrError(f"{where}: 'question' must be a non-empty string")
    if "<document" in question.lower() or "</document" in question.lower():
        raise AbrError(f"{where}: the question holds a <document> marker, which would break the prompt's layout")
    if "answer" not in record:
        raise AbrError(f"{where}: no 'answer' field")
    answer_type = record.get("answer_type", default_type)
    if answer_type is None:
        raise AbrError(f"{where}: no 'answer_type'; add it to each line or give a default: jsonl:PATH:integer")
    if answer_type not in ANSWER_TYPES:
        raise AbrError(f"{where}: unknown answer_type {answer_type!r}; use one of {', '.join(ANSWER_TYPES)}")
    rule = record.get("rule", {})
    if not isinstance(rule, dict):
        raise AbrError(f"{where}: 'rule' must be an object, got {type(rule).__name__}")
    rule = dict(rule)
    if "places" in rule and (isinstance(rule["places"], bool) or not isinstance(rule["places"], int)
                             or not 0 <= rule["places"] <= 12):
        raise AbrError(f"{where}: rule 'places' must be an integer 0-12, got {rule['places']!r}")
    aliases = record.get("aliases")
    if aliases is not None:
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise AbrError(f"{where}: 'aliases' must be a list of strings")
        rule["aliases"] = [*rule.get("aliases", []), *aliases]
    answer = canonical_answer(record["answer"], answer_type, where)
    return Item(normalize_question(question), answer, answer_type, rule, _difficulty(record, where), number)


def load_items(path: Path, default_type: str | None) -> list[Item]:
    from abr.plugins.haystacks.jsonl import read_json_lines

    items: list[Item] = []
    seen: dict[str, Item] = {}
    usage = "--question-bank jsonl:PATH[:ANSWER_TYPE]"
    for number, record in read_json_lines(path, f"question bank jsonl:{path}", usage):
        where = f"{path}:{number}"
        item = parse_item(record, where, default_type, number)
        earlier = seen.get(item.question)
        if earlier is not None:
            if (earlier.answer, earlier.answer_type) != (item.answer, item.answer_type):
                raise AbrError(f"{where}: the same question as line {earlier.line} with a different answer "
                               f"({item.answer!r} vs {earlier.answer!r})")
            continue
        seen[item.question] = item
        items.append(item)
    if not items:
        raise AbrError(f"question bank jsonl:{path}: the file has no questions")
    return items


def split_argument(argument: str) -> tuple[Path, str | None]:
    """``PATH`` or ``PATH:ANSWER_TYPE``."""
    head, sep, tail = argument.rpartition(":")
    if sep and tail in ANSWER_TYPES and not Path(argument).expanduser().is_file():
        return Path(head).expanduser(), tail
    return Path(argument).expanduser(), None


class JsonlBank(QuestionBank):
    name = "jsonl"
    version = 1
    description = "Your own questions: --question-bank jsonl:PATH[:ANSWER_TYPE] (question, answer, answer_type)"
    answer_types = ANSWER_TYPES

    def __init__(self, items: list[Item] | None = None, path: str = "") -> None:
        self._items = items
        self.path = path
        self._by_text = {i.question: i for i in items or []}
        ranked = sorted(items or [], key=lambda i: (i.difficulty is None, i.difficulty or 0.0, i.line))
        self._ranked = [i for i in ranked if i.difficulty is not None]

    def configure(self, argument: str) -> JsonlBank:
        path, default_type = split_argument(argument)
        return JsonlBank(load_items(path, default_type), argument)

    @property
    def items(self) -> list[Item]:
        if self._items is None:
            raise AbrError("question bank 'jsonl' needs a file: --question-bank jsonl:PATH[:ANSWER_TYPE]")
        return self._items

    def generate(self, rng: Rng, difficulty: float) -> Question:
        """With difficulties in the file, an item from the tenth of the ranking nearest ``difficulty``;
        otherwise any item."""
        items = self.items
        if self._ranked:
            n = len(self._ranked)
            centre = round(min(1.0, max(0.0, difficulty)) * (n - 1))
            half = max(0, n // 20)
            item = self._ranked[rng.integers(max(0, centre - half), min(n - 1, centre + half))]
        else:
            item = items[rng.below(len(items))]
        level = item.difficulty if item.difficulty is not None else 0.5
        return Question(item.question, item.answer, item.answer_type, difficulty=level, rule=item.rule)

    def solve(self, text: str) -> str:
        self.items  # noqa: B018 - raises the usage error when unconfigured
        item = self._by_text.get(normalize_question(text))
        if item is None:
            raise AbrError(f"question {text[:60]!r} is not in {self.path}")
        return item.answer
