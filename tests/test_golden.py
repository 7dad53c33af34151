"""Golden outputs: a fixed recipe gives byte-identical records, and output may only change with a version bump.

``golden/ledger.json`` maps each case to {component versions: sha256 of the output}. When the bytes of a
case change while every component keeps its version, the test fails: bump the ``version`` of the component
whose output changed, then record the new output with ``ABR_UPDATE_GOLDEN=1 pytest tests/test_golden.py``
(which refuses to overwrite the digest of an existing version set).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from helpers import generate, records

GOLDEN = Path(__file__).parent / "golden"
LEDGER = GOLDEN / "ledger.json"
CASES = {
    "niah-distributed": ["-n", "3", "--length", "1k", "--seed", "7"],
    "niah-single": ["-n", "2", "--length", "2k", "--seed", "7", "--depth", "0.25", "--knob", "variant=single"],
    "niah-near-duplicate": ["-n", "2", "--length", "1k", "--seed", "7", "--interference", "near-duplicate"],
    "anti-interference": ["--skill", "anti-interference", "-n", "4", "--length", "2k", "--seed", "7", "--knob",
                          "variant=similar,conflict", "--knob", "scope=number,title-word"],
    "multi-source": ["--skill", "multi-source", "-n", "2", "--length", "2k", "--seed", "7", "--knob", "parts=3,5"],
    "multi-source-algebra": ["--skill", "multi-source", "-n", "1", "--length", "2k", "--seed", "7",
                             "--question-bank", "multipart-algebra"],
    "logic": ["--skill", "logic", "-n", "5", "--length", "2k", "--seed", "7", "--knob",
              "variant=set,frequency,ranking,position,composite"],
    "calc-reason": ["--skill", "calc-reason", "-n", "3", "--length", "2k", "--seed", "7", "--knob",
                    "condition=documents,occurrences,answers"],
    "multi-hop": ["--skill", "multi-hop", "-n", "2", "--length", "2k", "--seed", "7", "--knob", "hops=2,4"],
    "niah-all-patterns": ["-n", "2", "--length", "2k", "--seed", "7", "--interference",
                          "near-duplicate,conflict,lure-questions,decoy-documents"],
}


def _version_key(path: Path) -> str:
    """abr's version, the renderer's, the tokenizer's and every component's: what may change the bytes."""
    versions: dict[str, object] = {}
    for rec in records(path):
        versions.update(rec["versions"]["components"])
        versions["abr"] = rec["versions"]["abr"]
        versions["render"] = rec["versions"]["render"]
        versions["tokenizer"] = rec["tokens"]["fingerprint"]
    return ",".join(f"{k}@{v}" for k, v in sorted(versions.items()))


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_output(case: str, tmp_path: Path) -> None:
    out = tmp_path / f"{case}.jsonl"
    data = generate(out, *CASES[case])
    digest = hashlib.sha256(data).hexdigest()
    key = _version_key(out)
    ledger = json.loads(LEDGER.read_text()) if LEDGER.exists() else {}
    known = ledger.get(case, {})
    if os.environ.get("ABR_UPDATE_GOLDEN") == "1":
        if key in known and known[key] != digest:
            pytest.fail(f"{case}: output changed but component versions did not ({key}); bump the version of "
                        f"the component whose output changed")
        ledger.setdefault(case, {})[key] = digest
        LEDGER.write_text(json.dumps(ledger, indent=2, sort_keys=True) + "\n")
        (GOLDEN / f"{case}.jsonl").write_bytes(data)
        return
    assert key in known, f"{case}: no golden output for {key}; record it with ABR_UPDATE_GOLDEN=1"
    assert known[key] == digest, (f"{case}: output changed without a version bump ({key}); bump the version of "
                                  f"the changed component, then ABR_UPDATE_GOLDEN=1")
    assert (GOLDEN / f"{case}.jsonl").read_bytes() == data
