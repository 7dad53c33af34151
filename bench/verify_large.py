"""Every skill at scale: the ``abr/knob-sweep`` suite (2,000 samples per skill across its knob ranges at 8K)
generated and verified in-process, with zero mismatches required.

    python bench/verify_large.py                 # 2,000 per skill (about 4 minutes on 2 cores)
    python bench/verify_large.py --per-skill 300 # a quicker pass
    python bench/verify_large.py --skill logic --skill multi-hop

Prints, per skill, the samples made and verified, mean generation and verification time per sample, the
number of bad records (with the first problems) and of refusals, as markdown; ``--json PATH`` writes the
same figures. Exits 1 if any record fails verification.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any


def run(per_skill: int, only: list[str]) -> list[dict[str, Any]]:
    from abr.errors import AbrError
    from abr.generate import Engine
    from abr.host import get_host
    from abr.recipe import recipe_from_mapping
    from abr.verify import Verifier

    host = get_host()
    suite = host.registry.get("suite", "knob-sweep").recipe()
    verifier = Verifier(host)
    rows = []
    for skill, table in suite["skills"].items():
        if only and skill not in only:
            continue
        recipe = recipe_from_mapping({**suite, "n": per_skill, "skills": {skill: table}}, "suite 'abr/knob-sweep'")
        engine = Engine(recipe, host=host)
        made = bad = 0
        refusals: dict[str, int] = {}
        first: list[str] = []
        gen = check = 0.0
        for i in range(per_skill):
            started = time.perf_counter()
            try:
                record = engine.record(i)
            except AbrError as exc:
                refusals[str(exc)] = refusals.get(str(exc), 0) + 1
                continue
            generated = time.perf_counter()
            problems = verifier.check(record)
            check += time.perf_counter() - generated
            gen += generated - started
            made += 1
            if problems:
                bad += 1
                first += [f"index {i}: {p}" for p in problems[:2]][:max(0, 4 - len(first))]
        rows.append({"skill": f"abr/{skill}", "samples": made, "bad": bad, "refused": sum(refusals.values()),
                     "generate_ms": round(1000 * gen / max(1, made), 2),
                     "verify_ms": round(1000 * check / max(1, made), 2),
                     "refusals": refusals, "problems": first})
        print(f"{skill}: {made} verified, {bad} bad, {sum(refusals.values())} refused "
              f"({rows[-1]['generate_ms']} ms + {rows[-1]['verify_ms']} ms a sample)", file=sys.stderr, flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-skill", type=int, default=2000)
    parser.add_argument("--skill", action="append", default=[], help="only these skills (bare names)")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = run(args.per_skill, args.skill)
    elapsed = time.perf_counter() - started
    print("| skill | samples | bad | refused | generate ms/sample | verify ms/sample |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['skill']} | {r['samples']} | {r['bad']} | {r['refused']} | {r['generate_ms']} | "
              f"{r['verify_ms']} |")
    print(f"\n{sum(r['samples'] for r in rows)} samples in {elapsed:.0f} s")
    for r in rows:
        for line in r["problems"]:
            print(f"{r['skill']}: {line}")
        for message, count in r["refusals"].items():
            print(f"{r['skill']}: refused {count}x: {message}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"per_skill": args.per_skill, "seconds": round(elapsed, 1), "skills": rows}, fh, indent=2)
    return 1 if any(r["bad"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
