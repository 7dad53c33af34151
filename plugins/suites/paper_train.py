"""``abr/paper-train``: the paper's RL training mixture (§4.1) with prompts up to 24K tokens.

Anti-interference : multi-hop : multi-source : logic : calc-reason : NIAH = 5 : 3 : 2 : 2 : 2 : 1, lengths
4K-24K (the paper caps inputs at 24K tokens), depths drawn uniformly, and each skill's difficulty knobs given
as ranges so that the samples sweep a curriculum from easy to hard. The paper keeps prompts a reference model
solves 30-60% of the time; that filter needs a model and is not part of generation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from abr.components import Suite

MIXTURE = {"anti-interference": 5, "multi-hop": 3, "multi-source": 2, "logic": 2, "calc-reason": 2, "niah": 1}


class PaperTrain(Suite):
    name = "paper-train"
    version = 1
    description = "Training mixture 5:3:2:2:2:1 (anti-interference .. niah), prompts 4K-24K, knob ranges"

    def recipe(self) -> Mapping[str, Any]:
        knobs: dict[str, dict[str, Any]] = {
            "anti-interference": {"variant": ["similar", "conflict"], "decoys": "2..8:2", "difficulty": [0.2, 0.5]},
            "multi-hop": {"hops": "1..5", "difficulty": [0.2, 0.5]},
            "multi-source": {"parts": "3..6", "decoy_problems": "0..2", "difficulty": [0.2, 0.5]},
            "logic": {"variant": ["set", "frequency", "ranking", "position", "composite"], "ops": "1..3",
                      "difficulty": [0.2, 0.5]},
            "calc-reason": {"steps": "1..4", "places": [1, 2], "difficulty": [0.2, 0.5]},
            "niah": {"pairs": "2..16:2", "difficulty": [0.2, 0.5]},
        }
        return {
            "n": 6000,
            "seed": 0,
            "lengths": ["4k", "8k", "12k", "16k", "20k", "24k"],
            "depths": "uniform",
            "skills": {name: {"weight": weight, **knobs[name]} for name, weight in MIXTURE.items()},
        }
