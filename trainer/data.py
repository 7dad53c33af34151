"""Training data: abr records (JSONL or Parquet) or an exported verl parquet, as rows trl can consume.

Each row has ``prompt`` (chat messages), ``answer``, ``answer_type``, ``answer_rule`` (JSON text), ``skill``
and ``id``. Prompts longer than the model's input budget are refused with a count before training starts —
trl no longer truncates prompts, and a silently cut context would change the task.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from abr.errors import AbrError
from abr.records import read_records

COLUMNS = ("prompt", "question", "answer", "answer_type", "answer_rule", "skill", "id")


def _is_verl(path: Path) -> bool:
    if not str(path).endswith(".parquet"):
        return False
    import pyarrow.parquet as pq

    return "reward_model" in pq.ParquetFile(path).schema_arrow.names


def _verl_rows(path: Path) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path).iter_batches(batch_size=256):
        for row in batch.to_pylist():
            extra = row.get("extra_info") or {}
            yield {
                "prompt": [{"role": m["role"], "content": m["content"]} for m in row["prompt"]],
                "question": extra.get("question", ""),
                "answer": str(row["reward_model"]["ground_truth"]),
                "answer_type": extra.get("answer_type", "string"),
                "answer_rule": extra.get("answer_rule") or "",
                "skill": extra.get("skill", row.get("data_source", "")),
                "id": extra.get("id", ""),
            }


def record_row(record: dict[str, Any], system_prompt: str | None = None) -> dict[str, Any]:
    """The training row of one abr record (optionally with a system prompt put first)."""
    messages = [m for m in record["messages"] if not (system_prompt and m["role"] == "system")]
    if system_prompt:
        messages = [{"role": "system", "content": system_prompt}, *messages]
    rule = record.get("answer_rule")
    return {
        "prompt": messages,
        "question": record.get("question", ""),
        "answer": record["answer"],
        "answer_type": record["answer_type"],
        "answer_rule": json.dumps(rule, sort_keys=True) if rule else "",
        "skill": record["skill"],
        "id": record["id"],
    }


def load_rows(paths: Sequence[str], system_prompt: str | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise AbrError(f"no such training data '{raw}'; pass files written by `abr generate`, `abr mix`, "
                           f"`abr filter` or `abr export --format verl`")
        if _is_verl(path):
            for row in _verl_rows(path):
                if system_prompt:
                    row["prompt"] = [{"role": "system", "content": system_prompt},
                                     *[m for m in row["prompt"] if m["role"] != "system"]]
                rows.append(row)
        else:
            rows.extend(record_row(rec, system_prompt) for _, rec in read_records(path))
    if not rows:
        raise AbrError(f"the training data {', '.join(paths)} holds no records")
    return rows


def prompt_lengths(rows: Sequence[dict[str, Any]], tokenizer: Any) -> list[int]:
    """Token count of each prompt as the model will see it (chat template with the generation prompt)."""
    out = []
    for row in rows:
        ids = tokenizer.apply_chat_template(row["prompt"], add_generation_prompt=True, tokenize=True)
        if isinstance(ids, dict) or hasattr(ids, "keys"):
            ids = ids["input_ids"]
        out.append(len(ids))
    return out


def check_prompt_lengths(rows: Sequence[dict[str, Any]], tokenizer: Any, limit: int) -> None:
    lengths = prompt_lengths(rows, tokenizer)
    over = [n for n in lengths if n > limit]
    if over:
        raise AbrError(f"{len(over)} of {len(rows)} prompts are longer than max_prompt_length={limit} tokens "
                       f"(longest {max(over)}); regenerate with a smaller --length or raise max_prompt_length — "
                       f"prompts are never truncated")
