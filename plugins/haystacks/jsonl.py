"""``abr/jsonl``: background text from a field of a JSONL file (``--haystack jsonl:PATH:FIELD``).

One JSON object per line; ``FIELD`` (default ``text``) holds the document. Optional string fields
``title`` and ``genre`` name the document and group it; otherwise the file name does. Blank lines are
skipped; anything else that is not an object with the field is an error naming the line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from abr.errors import AbrError
from abr.plugins.haystacks.user_text import Document, UserTextSource, build_pool, document, slug, title_from_name


def split_argument(argument: str) -> tuple[Path, str]:
    """``PATH:FIELD`` (or just ``PATH`` for the field ``text``)."""
    whole = Path(argument).expanduser()
    if whole.is_file() or ":" not in argument:
        return whole, "text"
    path, _, field = argument.rpartition(":")
    if not field:
        raise AbrError(f"haystack jsonl:{argument}: the field name after ':' is empty; use jsonl:PATH:FIELD")
    return Path(path).expanduser(), field


def read_json_lines(path: Path, label: str, usage: str) -> list[tuple[int, Any]]:
    """(line number, value) of every non-blank line of a user's JSONL file; errors name the file and line."""
    if not path.is_file():
        raise AbrError(f"{label}: no such file; use {usage}")
    try:
        lines = path.read_bytes().decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise AbrError(f"{label}: not UTF-8 (byte {exc.start})") from None
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise AbrError(f"{path}:{number}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    return out


def read_documents(path: Path, field: str) -> list[Document]:
    documents = []
    default_genre, default_title = slug(path.stem), title_from_name(path.stem)
    for number, record in read_json_lines(path, f"haystack jsonl:{path}", "--haystack jsonl:PATH:FIELD"):
        if not isinstance(record, dict):
            raise AbrError(f"{path}:{number}: expected a JSON object, got {type(record).__name__}")
        if field not in record:
            fields = ", ".join(sorted(record)) or "none"
            raise AbrError(f"{path}:{number}: no field {field!r} (fields: {fields}); use jsonl:{path}:FIELD")
        text = record[field]
        if not isinstance(text, str):
            raise AbrError(f"{path}:{number}: field {field!r} is {type(text).__name__}, not a string")
        documents.append(document(text, record.get("title"), record.get("genre"), f"{default_title} {number}",
                                  default_genre))
    if not documents:
        raise AbrError(f"haystack jsonl:{path}: the file has no records")
    return documents


class JsonlHaystack(UserTextSource):
    name = "jsonl"
    description = "Your own JSONL file: --haystack jsonl:PATH:FIELD (one document per line)"
    provenance = "a field of the user's JSONL file"
    usage = "jsonl:PATH:FIELD"

    def configure(self, argument: str) -> JsonlHaystack:
        path, field = split_argument(argument)
        source = JsonlHaystack(build_pool(read_documents(path, field), f"haystack jsonl:{argument}"), argument)
        source.provenance = source.described(f"JSONL file {path}, field {field!r}")
        return source
