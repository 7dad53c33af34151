"""``abr/units``: unit conversions with exact factors and a stated rounding.

'Convert 12.5 miles to kilometers. Round your answer to 2 decimal places.' Every factor is the exact
legal definition (1 inch = 2.54 cm, 1 pound = 0.45359237 kg, 1 US gallon = 3.785411784 L ...), the
conversion is done on fractions and rounded half-up, so the answer (type ``decimal``, rule
``{"places": k}``) is exact. Difficulty moves from metric prefixes to time, to imperial-metric, to
speed, area and temperature.
"""

from __future__ import annotations

import re
from fractions import Fraction as F

from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.plugins.questions.common import canonical, not_mine, parse_number, pick_level, round_half_up, show
from abr.rng import Rng

# unit -> (dimension, factor to the dimension's base unit); plural names, singular looked up by SINGULAR
UNITS: dict[str, tuple[str, F]] = {
    "millimeters": ("length", F(1, 1000)), "centimeters": ("length", F(1, 100)), "meters": ("length", F(1)),
    "kilometers": ("length", F(1000)), "inches": ("length", F(254, 10000)), "feet": ("length", F(3048, 10000)),
    "yards": ("length", F(9144, 10000)), "miles": ("length", F(1609344, 1000)),
    "milligrams": ("mass", F(1, 1000)), "grams": ("mass", F(1)), "kilograms": ("mass", F(1000)),
    "ounces": ("mass", F(28349523125, 10 ** 9)), "pounds": ("mass", F(45359237, 10 ** 5)),
    "milliliters": ("volume", F(1)), "liters": ("volume", F(1000)),
    "US gallons": ("volume", F(3785411784, 10 ** 6)), "US quarts": ("volume", F(946352946, 10 ** 6)),
    "US fluid ounces": ("volume", F(295735295625, 10 ** 10)),
    "seconds": ("time", F(1)), "minutes": ("time", F(60)), "hours": ("time", F(3600)), "days": ("time", F(86400)),
    "weeks": ("time", F(604800)),
    "meters per second": ("speed", F(1)), "kilometers per hour": ("speed", F(1000, 3600)),
    "miles per hour": ("speed", F(1609344, 3600 * 1000)),
    "square meters": ("area", F(1)), "hectares": ("area", F(10000)), "square kilometers": ("area", F(10 ** 6)),
    "acres": ("area", F(40468564224, 10 ** 7)),
}
TEMPERATURES = ("degrees Celsius", "degrees Fahrenheit", "kelvins")
SINGULAR = {"inches": "inch", "feet": "foot", "US gallons": "US gallon", "US quarts": "US quart",
            "US fluid ounces": "US fluid ounce", "degrees Celsius": "degree Celsius",
            "degrees Fahrenheit": "degree Fahrenheit", "kilometers per hour": "kilometer per hour",
            "miles per hour": "mile per hour", "meters per second": "meter per second",
            "square meters": "square meter", "square kilometers": "square kilometer"}
LEVELS = (
    (("millimeters", "centimeters", "meters", "kilometers"), ("milligrams", "grams", "kilograms"),
     ("milliliters", "liters")),
    (("seconds", "minutes", "hours", "days", "weeks"),),
    (("inches", "feet", "yards", "miles", "centimeters", "meters", "kilometers"), ("ounces", "pounds", "grams",
     "kilograms"), ("US gallons", "US quarts", "US fluid ounces", "liters", "milliliters")),
    (("meters per second", "kilometers per hour", "miles per hour"), ("square meters", "hectares",
     "square kilometers", "acres"), TEMPERATURES),
)
_NAMES = "|".join(re.escape(n) for n in sorted([*UNITS, *TEMPERATURES, *SINGULAR.values()], key=len, reverse=True))
_QUESTION = re.compile(rf"^Convert (?P<v>-?[\d.]+) (?P<a>{_NAMES}) to (?P<b>{_NAMES})\. Round your answer to "
                       rf"(?P<k>\d+) decimal places?\.$")


def _plural(name: str) -> str:
    return next((p for p, s in SINGULAR.items() if s == name), name)


def to_kelvin(value: F, unit: str) -> F:
    if unit == "degrees Celsius":
        return value + F(27315, 100)
    if unit == "degrees Fahrenheit":
        return (value - 32) * F(5, 9) + F(27315, 100)
    return value


def from_kelvin(value: F, unit: str) -> F:
    if unit == "degrees Celsius":
        return value - F(27315, 100)
    if unit == "degrees Fahrenheit":
        return (value - F(27315, 100)) * F(9, 5) + 32
    return value


def convert(value: F, source: str, target: str) -> F:
    """``value`` in ``source`` units expressed in ``target`` units, exactly."""
    if source in TEMPERATURES and target in TEMPERATURES:
        return from_kelvin(to_kelvin(value, source), target)
    if source not in UNITS or target not in UNITS or UNITS[source][0] != UNITS[target][0]:
        raise AbrError(f"cannot convert {source} to {target}")
    return value * UNITS[source][1] / UNITS[target][1]


class Units(QuestionBank):
    name = "units"
    version = 1
    description = "Unit conversions with exact legal factors and stated rounding, e.g. 'Convert 12.5 miles to km'"
    answer_types = ("decimal",)

    def generate(self, rng: Rng, difficulty: float) -> Question:
        level = pick_level(difficulty, 4)
        group = rng.choice(LEVELS[level])
        source, target = rng.sample(group, 2)
        if source in TEMPERATURES:
            value = F(rng.integers(-400, 1200), 10) if source != "kelvins" else F(rng.integers(2000, 4000), 10)
        else:
            value = F(rng.integers(2, 999)) if rng.chance(0.5) else F(rng.integers(11, 9999), 10)
        places = rng.integers(0, 3) if level >= 2 else rng.integers(1, 3)
        unit = "place" if places == 1 else "places"
        text = f"Convert {show(value)} {source} to {target}. Round your answer to {places} decimal {unit}."
        return Question(text, self.solve(text), "decimal", difficulty=round(level / 3, 2), rule={"places": places})

    def solve(self, text: str) -> str:
        m = _QUESTION.match(text.strip())
        if not m:
            raise not_mine(self.name, text)
        value = convert(parse_number(m.group("v")), _plural(m.group("a")), _plural(m.group("b")))
        return canonical(round_half_up(value, int(m.group("k"))))
