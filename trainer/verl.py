"""Export to verl's RL data format, and the reward function verl calls.

verl reads parquet with ``data_source``, ``prompt`` (chat messages), ``ability``,
``reward_model = {"style": "rule", "ground_truth": ...}`` and ``extra_info``, and scores each rollout with a
``compute_score(data_source, solution_str, ground_truth, extra_info)`` function given on its command line
(``custom_reward_function.path=<this file> custom_reward_function.name=compute_score``). The same parquet
trains with ``abr train grpo``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from abr.errors import AbrError


def verl_row(record: Mapping[str, Any], split: str = "train") -> dict[str, Any]:
    rule = record.get("answer_rule")
    return {
        "data_source": record["skill"],
        "prompt": [{"role": m["role"], "content": m["content"]} for m in record["messages"]],
        "ability": "long-context-reasoning/" + record["skill"].split("/", 1)[-1],
        "reward_model": {"style": "rule", "ground_truth": record["answer"]},
        "extra_info": {
            "id": record["id"], "index": record["index"], "split": split, "skill": record["skill"],
            "question": record.get("question", ""),
            "answer_type": record["answer_type"], "answer_rule": json.dumps(rule, sort_keys=True) if rule else "",
            "tokens": record["tokens"]["count"],
        },
    }


def export_verl(records: Iterable[Mapping[str, Any]], handle: Any, split: str = "train") -> int:
    """Write records as a verl parquet to an open binary handle; returns the row count."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise AbrError("exporting to verl needs pyarrow: pip install 'abr[parquet]'") from None
    message = pa.struct([("role", pa.string()), ("content", pa.string())])
    schema = pa.schema([
        ("data_source", pa.string()), ("prompt", pa.list_(message)), ("ability", pa.string()),
        ("reward_model", pa.struct([("style", pa.string()), ("ground_truth", pa.string())])),
        ("extra_info", pa.struct([("id", pa.string()), ("index", pa.int64()), ("split", pa.string()),
                                  ("skill", pa.string()), ("question", pa.string()), ("answer_type", pa.string()),
                                  ("answer_rule", pa.string()), ("tokens", pa.int64())])),
    ])
    writer = pq.ParquetWriter(handle, schema, compression="zstd")
    rows: list[dict[str, Any]] = []
    count = 0
    for record in records:
        rows.append(verl_row(record, split))
        if len(rows) == 256:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            count += len(rows)
            rows = []
    if rows:
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        count += len(rows)
    writer.close()
    return count


def compute_score(data_source: str, solution_str: str, ground_truth: str, extra_info: Mapping[str, Any] | None = None,
                  **_: Any) -> float:
    """verl's reward hook: 1.0 when abr's checker for the sample's answer type accepts the final answer.

    Malformed input (no answer in the solution, an unknown answer type, a bad rule) scores 0.0 rather than
    raising, so one odd rollout never stops a multi-node run.
    """
    from abr.host import get_host
    from abr.scoring import judge
    from abr.trainer.rewards import parse_rule

    info = dict(extra_info or {})
    try:
        rule = parse_rule(info.get("answer_rule"))
    except (TypeError, ValueError):
        rule = {}
    verdict = judge(str(solution_str or ""), str(ground_truth), str(info.get("answer_type", "integer")), rule,
                    get_host().registry)
    return 1.0 if verdict.correct else 0.0

