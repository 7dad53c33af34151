"""``abr/calendar``: date and time arithmetic, re-derived with Python's ``datetime``.

Kinds, easiest first: minutes between two clock times on one day; a clock time plus a duration (answer
``HH:MM`` on a 24-hour clock); days between two dates; a date plus a number of days (answer
``YYYY-MM-DD``); and the weekday of a date given the weekday of another. Dates run from 1990 to 2035, so
leap years (and 2000) come up. Answers that are not numbers use answer type ``string``; clock times also
accept the form without a leading zero (rule ``aliases``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.plugins.questions.common import not_mine, pick_level
from abr.rng import Rng

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FIRST, LAST = date(1990, 1, 1), date(2035, 12, 31)
_DATE = r"(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}"
_CLOCK = r"\d{2}:\d{2}"
_MINUTES = re.compile(rf"^How many minutes pass between (?P<a>{_CLOCK}) and (?P<b>{_CLOCK}) on the same day\?$")
_ADD_TIME = re.compile(rf"^A train leaves at (?P<t>{_CLOCK}) and the journey takes (?P<h>\d+) hours? and "
                       rf"(?P<m>\d+) minutes?\. At what time does it arrive\? Give the time as HH:MM on a 24-hour "
                       rf"clock\.$")
_BETWEEN = re.compile(rf"^How many days are there from (?P<a>{_DATE}) to (?P<b>{_DATE})\?$")
_ADD_DAYS = re.compile(rf"^What date is (?P<n>\d+) days after (?P<a>{_DATE})\? Give the date as YYYY-MM-DD\.$")
_WEEKDAY = re.compile(rf"^(?P<a>{_DATE}) was a (?P<w>{'|'.join(WEEKDAYS)})\. What day of the week was "
                      rf"(?P<b>{_DATE})\?$")


def say(d: date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def read_date(text: str) -> date:
    month, day, year = text.replace(",", "").split()
    try:
        return date(int(year), MONTHS.index(month) + 1, int(day))
    except ValueError as exc:
        raise AbrError(f"{text!r} is not a date: {exc}") from None


def read_clock(text: str) -> int:
    """Minutes after midnight."""
    hours, minutes = (int(p) for p in text.split(":"))
    if hours > 23 or minutes > 59:
        raise AbrError(f"{text!r} is not a time of day")
    return hours * 60 + minutes


def clock(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _clock_aliases(answer: str) -> dict[str, list[str]]:
    return {"aliases": [answer[1:]]} if answer.startswith("0") else {}


class Calendar(QuestionBank):
    name = "calendar"
    version = 1
    description = "Date and time arithmetic: minutes between times, arrival times, days between dates, weekdays"
    answer_types = ("integer", "string")

    def generate(self, rng: Rng, difficulty: float) -> Question:
        level = pick_level(difficulty, 5)
        text = (self._minutes, self._add_time, self._between, self._add_days, self._weekday)[level](rng)
        answer = self.solve(text)
        kind = "integer" if level in (0, 2) else "string"
        rule = _clock_aliases(answer) if level == 1 else {}
        return Question(text, answer, kind, difficulty=round(level / 4, 2), rule=rule)

    def _date(self, rng: Rng) -> date:
        return FIRST + timedelta(days=rng.below((LAST - FIRST).days + 1))

    def _minutes(self, rng: Rng) -> str:
        a = rng.integers(0, 22 * 60)
        b = rng.integers(a + 1, 24 * 60 - 1)
        return f"How many minutes pass between {clock(a)} and {clock(b)} on the same day?"

    def _add_time(self, rng: Rng) -> str:
        t, h, m = rng.integers(0, 24 * 60 - 1), rng.integers(1, 14), rng.integers(1, 59)
        hours = "hour" if h == 1 else "hours"
        minutes = "minute" if m == 1 else "minutes"
        return (f"A train leaves at {clock(t)} and the journey takes {h} {hours} and {m} {minutes}. At what time "
                f"does it arrive? Give the time as HH:MM on a 24-hour clock.")

    def _between(self, rng: Rng) -> str:
        a = self._date(rng)
        b = a + timedelta(days=rng.integers(20, 900))
        if b > LAST:
            a, b = a - (b - a), a
        return f"How many days are there from {say(a)} to {say(b)}?"

    def _add_days(self, rng: Rng) -> str:
        a = self._date(rng.child("start"))
        a = min(a, LAST - timedelta(days=1000))
        return f"What date is {rng.integers(15, 1000)} days after {say(a)}? Give the date as YYYY-MM-DD."

    def _weekday(self, rng: Rng) -> str:
        a = self._date(rng)
        b = a + timedelta(days=rng.integers(-700, 700))
        b = min(max(b, FIRST), LAST)
        return f"{say(a)} was a {WEEKDAYS[a.weekday()]}. What day of the week was {say(b)}?"

    def solve(self, text: str) -> str:
        text = text.strip()
        if m := _MINUTES.match(text):
            return str(read_clock(m.group("b")) - read_clock(m.group("a")))
        if m := _ADD_TIME.match(text):
            return clock(read_clock(m.group("t")) + 60 * int(m.group("h")) + int(m.group("m")))
        if m := _BETWEEN.match(text):
            return str((read_date(m.group("b")) - read_date(m.group("a"))).days)
        if m := _ADD_DAYS.match(text):
            return (read_date(m.group("a")) + timedelta(days=int(m.group("n")))).isoformat()
        if m := _WEEKDAY.match(text):
            a, b = read_date(m.group("a")), read_date(m.group("b"))
            if WEEKDAYS[a.weekday()] != m.group("w"):
                raise AbrError(f"{m.group('a')} was a {WEEKDAYS[a.weekday()]}, not a {m.group('w')}")
            return WEEKDAYS[(WEEKDAYS.index(m.group("w")) + (b - a).days) % 7]
        raise not_mine(self.name, text)
