"""``abr/atomic-probe``: every skill across lengths 8K-128K and depths, sized to compare models per skill.

The paper's Table 1 compares models skill by skill; to tell two models apart by ten points on one skill
a probe needs a couple of hundred samples per skill (the 95% interval of an accuracy near 50% measured on
200 samples is about +-7 points). 200 samples per skill, spread evenly over five lengths, five depths and
each skill's main difficulty knob (the first 25-100 samples of a skill cover its grid once).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from abr.components import Suite

PER_SKILL = 200


class AtomicProbe(Suite):
    name = "atomic-probe"
    version = 1
    description = "Evaluation probe: all six skills x lengths 8K-128K x depths 0.1-0.9, 200 samples per skill"

    def recipe(self) -> Mapping[str, Any]:
        skills: dict[str, dict[str, Any]] = {
            "niah": {"variant": "distributed", "pairs": [4, 16]},
            "anti-interference": {"variant": ["similar", "conflict"]},
            "multi-source": {"parts": [3, 5], "decoy_problems": 1},
            "logic": {"variant": ["set", "frequency", "ranking", "position", "composite"]},
            "calc-reason": {"steps": [1, 2, 3]},
            "multi-hop": {"hops": [2, 4]},
        }
        return {
            "n": PER_SKILL * len(skills),
            "seed": 0,
            "lengths": ["8k", "16k", "32k", "64k", "128k"],
            "depths": [0.1, 0.3, 0.5, 0.7, 0.9],
            "skills": {name: {"weight": 1, **knobs} for name, knobs in skills.items()},
        }
