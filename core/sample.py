"""The sample record: one self-describing JSON object per line (schema ``abr.sample/1``).

See docs/schema.md and ``abr/schema/sample.schema.json``. Field order is fixed so that the same recipe
and seed give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

SCHEMA = "abr.sample/1"

#: every record field, in the order records are written
FIELDS = ("id", "schema", "skill", "seed", "index", "knobs", "prompt", "messages", "question", "answer",
          "answer_type", "answer_rule", "program", "program_text", "blueprint", "needles", "tokens", "difficulty",
          "interference", "versions", "filter")


def sample_id(skill: str, seed: int, index: int, fingerprint: Mapping[str, Any]) -> str:
    """``<skill>-<16 hex>``: stable for a recipe, distinct across recipes, seeds and indices."""
    key = json.dumps({"skill": skill, "seed": seed, "index": index, **fingerprint}, sort_keys=True,
                     separators=(",", ":"), default=str)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"{skill.split('/', 1)[1]}-{digest}"


_SLOT = "\x00abr-prompt\x00"
_SLOT_JSON = json.dumps(_SLOT)


def dumps(record: Mapping[str, Any]) -> str:
    """The canonical one-line JSON of a record (no trailing newline).

    The prompt appears twice (``prompt`` and the user message); it is escaped once and spliced into both
    places, which gives the same bytes as a plain ``json.dumps`` at half the cost for long prompts.
    """
    prompt = record.get("prompt")
    messages = record.get("messages")
    if not isinstance(prompt, str) or not isinstance(messages, list) or _SLOT in prompt:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    shallow = dict(record)
    shallow["prompt"] = _SLOT
    shallow["messages"] = [{**m, "content": _SLOT} if m.get("content") == prompt else m for m in messages]
    text = json.dumps(shallow, ensure_ascii=False, separators=(",", ":"))
    return text.replace(_SLOT_JSON, json_string(prompt))


#: every byte except the control characters json escapes as \\uXXXX, \\b or \\f
_PLAIN_BYTES = bytes(c for c in range(256) if c >= 32 or c in (9, 10, 13))


def json_string(text: str) -> str:
    """``json.dumps(text, ensure_ascii=False)``, several times faster for long prose.

    ASCII prose needs only backslash, quote, newline, carriage return and tab escaped; other texts (any
    other control character, or non-ASCII) take json's own path, so the bytes are always json's.
    """
    if not text.isascii() or text.encode("ascii").translate(None, _PLAIN_BYTES):
        return json.dumps(text, ensure_ascii=False)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return '"' + escaped.replace("\t", "\\t") + '"'


def schema_path() -> Any:
    from importlib import resources

    return resources.files("abr") / "schema" / "sample.schema.json"


def load_schema() -> dict[str, Any]:
    return json.loads(schema_path().read_text(encoding="utf-8"))
