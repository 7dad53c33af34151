"""``abr/numeric``: integers exactly; decimals by the sample's rounding rule.

A decimal gold answer with ``rule = {"places": k}`` accepts a prediction within half a unit of the k-th
place: at two places, gold 3.14 accepts 3.14 and 3.144 but rejects 3.146 and 3.15. Without a rule,
decimals must be numerically equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from abr.answers import parse_number
from abr.components import AnswerChecker


class Numeric(AnswerChecker):
    name = "numeric"
    version = 1
    description = "Integers exactly; decimals within half a unit of the stated rounding place"
    answer_types = ("integer", "decimal")

    def check(self, predicted: str, gold: str, rule: Mapping[str, Any]) -> bool:
        p = parse_number(predicted)
        g = parse_number(gold)
        if p is None or g is None:
            return False
        places = rule.get("places")
        if places is None:
            return p == g
        half = Decimal(1).scaleb(-int(places)) / 2
        return abs(p - g) <= half
