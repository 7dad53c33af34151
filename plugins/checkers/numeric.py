"""``abr/numeric``: integers exactly; decimals by the sample's rounding rule.

Integers must be numerically equal (``123457`` is not ``123456``; ``12.0`` is ``12``). A decimal gold
answer with ``rule = {"places": k}`` was rounded half-up to k places; by default a prediction is accepted
when it lies within half a unit of the k-th place (``|Δ| ≤ 0.5·10^-k``), so at two places gold 3.14
accepts 3.14, 3.144 and the unrounded 3.145, but rejects 3.146 and 3.15. With ``"mode": "half-up"`` the
prediction itself is rounded half-up to k places and must equal the gold (3.145 then becomes 3.15 and is
rejected). Without a rule, decimals must be numerically equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from abr.answers import parse_number
from abr.components import AnswerChecker

MODES = ("tolerance", "half-up")


class Numeric(AnswerChecker):
    name = "numeric"
    version = 1
    description = "Integers exactly; decimals by the rounding rule (half a unit in the last place, or half-up)"
    answer_types = ("integer", "decimal")

    def check(self, predicted: str, gold: str, rule: Mapping[str, Any]) -> bool:
        p = parse_number(predicted)
        g = parse_number(gold)
        if p is None or g is None or not p.is_finite():
            return False
        places = rule.get("places")
        if places is None:
            return p == g
        unit = Decimal(1).scaleb(-int(places))
        if rule.get("mode", "tolerance") == "half-up":
            return p.quantize(unit, rounding=ROUND_HALF_UP) == g
        return abs(p - g) <= unit / 2
