"""``abr/knob-sweep``: every skill across the ranges of its knobs at 8K — the coverage set ``abr verify`` must
pass with zero mismatches.

Each skill's grid crosses its knobs at their ends and a few inner points, so the first few hundred
samples of a skill visit every combination of variant, size and noise level once; the test suite runs a
prefix of it and ``nox -s verify_large`` the whole of it (2,000 samples per skill).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from abr.components import Suite

PER_SKILL = 2000
SWEEPS: dict[str, dict[str, Any]] = {
    "niah": {"variant": ["single", "distributed"], "pairs": [2, 8, 32, 64], "documents": [1, 4, 16, 64],
             "difficulty": [0.0, 0.5, 1.0]},
    "anti-interference": {"variant": ["similar", "conflict"], "decoys": [1, 4, 16, 32],
                          "band": [[0.8, 0.95], [0.7, 0.8]], "scope": ["number", "title", "title-word", "neighbour"],
                          "documents": [2, 8, 32], "fillers": [0, 8, 32], "difficulty": [0.0, 1.0]},
    "multi-source": {"parts": [3, 4, 5, 6, 7, 8], "documents": [1, 3, 8, 32], "decoy_problems": [0, 1, 3, 6],
                     "decoy_anchors": ["fresh", "similar"], "order": ["in-order", "shuffled"],
                     "difficulty": [0.0, 0.5, 1.0]},
    "logic": {"variant": ["set", "frequency", "ranking", "position", "composite"], "ops": [1, 2, 3, 4],
              "documents": [3, 6, 16], "fillers": [0, 8, 32], "traps": [0, 4, 16], "difficulty": [0.0, 1.0]},
    "calc-reason": {"steps": [1, 2, 3, 4, 5, 6], "places": [0, 1, 2, 3, 4],
                    "condition": ["documents", "occurrences", "answers"], "division": [True, False],
                    "documents": [2, 8, 32], "fillers": [0, 8], "difficulty": [0.0, 1.0]},
    "multi-hop": {"hops": [1, 2, 3, 4, 5, 6, 7, 8], "documents": [1, 4, 16, 64], "fillers": [0, 8, 32],
                  "difficulty": [0.0, 0.5, 1.0]},
}


class KnobSweep(Suite):
    name = "knob-sweep"
    version = 1
    description = "Coverage: every skill across its knob ranges at 8K, 2,000 samples each (for abr verify)"

    def recipe(self) -> Mapping[str, Any]:
        return {
            "n": PER_SKILL * len(SWEEPS),
            "seed": 0,
            "lengths": ["8k"],
            "depths": "uniform",
            "skills": {name: {"weight": 1, **knobs} for name, knobs in SWEEPS.items()},
        }
