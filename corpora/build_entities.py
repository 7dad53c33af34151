"""Rebuild ``entities.json``: the names, companies and places the procedural text draws from.

The pools are generated with faker once and shipped as data, so generated text does not change when a
user's faker version does (faker's lists change between releases). Run ``python -m
abr.corpora.build_entities`` after changing the sizes or the seed below, and bump the version of every
component that reads the pools.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

SEED = 20260401
SIZES = {"people": 800, "first_names": 400, "surnames": 400, "companies": 500, "cities": 500, "countries": 150,
         "jobs": 200}
_CAPS = re.compile(r"[A-Z]{4,}")


def _pool(make: Callable[[], str], size: int) -> list[str]:
    out: dict[str, None] = {}
    tries = 0
    while len(out) < size and tries < size * 50:
        tries += 1
        value = make().strip()
        if value.isascii() and not _CAPS.search(value) and '"' not in value and "\n" not in value:
            out[value] = None
    return sorted(out)


def build() -> dict[str, object]:
    from importlib import metadata

    from faker import Faker

    faker_version = metadata.version("faker")

    fake = Faker("en_US")
    fake.seed_instance(SEED)
    makers: dict[str, Callable[[], str]] = {
        "people": lambda: f"{fake.first_name()} {fake.last_name()}",
        "first_names": fake.first_name,
        "surnames": fake.last_name,
        "companies": fake.company,
        "cities": fake.city,
        "countries": fake.country,
        "jobs": fake.job,
    }
    data: dict[str, object] = {"source": f"faker {faker_version} (en_US), seed {SEED}"}
    for key, size in SIZES.items():
        data[key] = _pool(makers[key], size)
    return data


def main() -> int:
    path = Path(__file__).with_name("entities.json")
    path.write_text(json.dumps(build(), indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
