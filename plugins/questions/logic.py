"""``abr/logic``: small logic puzzles, generated and solved by exhaustive search, each with exactly one
solution.

Two kinds: a race (three to six runners, no ties; clues such as 'Ana finished ahead of Ben' or 'Exactly
one runner finished between Cleo and Dan'; 'Who finished third?') and a street of houses (three or four
friends, each in a numbered house with a different pet; 'Who owns the fish?'). Every candidate
assignment is enumerated; each clue is a bitmask of the assignments it allows. True clues are added
until one assignment survives, then any clue the others already imply is dropped, and a clue that
states the asked fact outright is never used. ``solve`` parses the clues back, intersects their masks
and refuses a puzzle that does not have exactly one solution. Answers are names or pets (type
``string``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from functools import partial

import attrs
from abr.components import Question, QuestionBank
from abr.errors import AbrError
from abr.plugins.questions.common import not_mine, pick_level
from abr.rng import Rng

NUMBERS = ("zero", "one", "two", "three", "four", "five", "six")
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")
PETS = ("cat", "dog", "fish", "parrot", "rabbit", "turtle")
_NAME = r"[A-Z][a-z]+"


def listing(items: Sequence[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1]


def _split_listing(text: str) -> list[str]:
    head, _, last = text.rpartition(" and ")
    return [*head.split(", "), last]


@attrs.frozen
class Clue:
    """A sentence and the predicate it states about an assignment."""

    text: str
    holds: Callable[[tuple[int, ...]], bool]
    #: the fact this clue gives away outright, e.g. ("owner", "fish"); such clues are not used for that question
    reveals: tuple[str, str] | None = None


def mask(clue: Clue, worlds: Sequence[tuple[int, ...]]) -> int:
    """The clue as a bitmask over the enumerated assignments."""
    bits = 0
    for i, w in enumerate(worlds):
        if clue.holds(w):
            bits |= 1 << i
    return bits


# ---------------------------------------------------------------------------------------------------------
# Predicates over an assignment ``w`` (bound with functools.partial, so each clue carries its own indices)

World = tuple[int, ...]


def _ahead(a: int, b: int, w: World) -> bool:
    return w[a] < w[b]


def _right_before(a: int, b: int, w: World) -> bool:
    return w[b] == w[a] + 1


def _two_apart(a: int, b: int, w: World) -> bool:
    return abs(w[a] - w[b]) == 2


def _at(i: int, k: int, w: World) -> bool:
    return w[i] == k


def _not_at(i: int, k: int, w: World) -> bool:
    return w[i] != k


def _pet_house(n: int, p: int, w: World) -> int:
    """The house of the owner of pet ``p`` (houses are ``w[:n]``, pets ``w[n:]``)."""
    return w[w.index(p, n) - n]


def _next_to_pet(n: int, a: int, p: int, w: World) -> bool:
    return abs(w[a] - _pet_house(n, p, w)) == 1


def _pet_left_of(n: int, a: int, p: int, w: World) -> bool:
    return _pet_house(n, p, w) + 1 == w[a]


def _below_pet(n: int, a: int, p: int, w: World) -> bool:
    return w[a] < _pet_house(n, p, w)


def _pet_in(n: int, p: int, k: int, w: World) -> bool:
    return _pet_house(n, p, w) == k


# ---------------------------------------------------------------------------------------------------------
# The race: an assignment gives each runner a place (0-based)


def race_clues(names: Sequence[str]) -> list[Clue]:
    n = len(names)
    out = []
    for a, b in itertools.permutations(range(n), 2):
        x, y = names[a], names[b]
        out.append(Clue(f"{x} finished ahead of {y}.", partial(_ahead, a, b)))
        out.append(Clue(f"{x} finished immediately ahead of {y}.", partial(_right_before, a, b)))
        if a < b:
            out.append(Clue(f"Exactly one runner finished between {x} and {y}.", partial(_two_apart, a, b)))
    for a, x in enumerate(names):
        for k in range(n):
            out.append(Clue(f"{x} finished {ORDINALS[k]}.", partial(_at, a, k), ("place", ORDINALS[k])))
            out.append(Clue(f"{x} did not finish {ORDINALS[k]}.", partial(_not_at, a, k)))
    return out


# ---------------------------------------------------------------------------------------------------------
# The street: an assignment is (house of each friend..., pet of each friend...)


def street_clues(names: Sequence[str], pets: Sequence[str]) -> list[Clue]:
    n = len(names)
    out = []
    for a, x in enumerate(names):
        for k in range(n):
            out.append(Clue(f"{x} lives in house {k + 1}.", partial(_at, a, k)))
            out.append(Clue(f"{x} does not live in house {k + 1}.", partial(_not_at, a, k)))
        for p, pet in enumerate(pets):
            out.append(Clue(f"{x} owns the {pet}.", partial(_at, n + a, p), ("owner", pet)))
            out.append(Clue(f"{x} does not own the {pet}.", partial(_not_at, n + a, p)))
            out.append(Clue(f"{x} lives next to the {pet} owner.", partial(_next_to_pet, n, a, p)))
            out.append(Clue(f"The {pet} owner lives directly to the left of {x}.", partial(_pet_left_of, n, a, p)))
            out.append(Clue(f"{x} lives in a lower-numbered house than the {pet} owner.", partial(_below_pet, n, a, p)))
        for b, y in enumerate(names):
            if a != b:
                out.append(Clue(f"{x} lives directly to the left of {y}.", partial(_right_before, a, b)))
    for p, pet in enumerate(pets):
        for k in range(n):
            out.append(Clue(f"The {pet} owner lives in house {k + 1}.", partial(_pet_in, n, p, k), ("house", pet)))
    return out


def race_worlds(n: int) -> list[tuple[int, ...]]:
    return list(itertools.permutations(range(n)))


def street_worlds(n: int) -> list[tuple[int, ...]]:
    return [h + p for h in itertools.permutations(range(n)) for p in itertools.permutations(range(n))]


_RACE = re.compile(rf"^(?P<count>\w+) runners, (?P<names>{_NAME}(?:, {_NAME})* and {_NAME}), ran a race with no "
                   rf"ties\. (?P<clues>.+) Who finished (?P<place>\w+)\?$")
_STREET = re.compile(rf"^(?P<count>\w+) friends, (?P<names>{_NAME}(?:, {_NAME})* and {_NAME}), live in houses 1 "
                     rf"to (?P<n>\d) along a street, one per house, and each owns a different pet: (?P<pets>[a-z, ]+ "
                     rf"and a [a-z]+)\. (?P<clues>.+) (?:Who owns the (?P<pet>[a-z]+)|Which pet does "
                     rf"(?P<who>{_NAME}) own)\?$")
_SENTENCE = re.compile(r"(?<=\.) (?=[A-Z])")


class Logic(QuestionBank):
    name = "logic"
    version = 1
    description = "Logic puzzles (race orders, houses and pets) with exactly one solution, checked by exhaustive search"
    answer_types = ("string",)

    def __init__(self) -> None:
        self._names: tuple[str, ...] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        if self._names is None:
            from abr.corpora import load_entities

            self._names = tuple(n for n in load_entities()["first_names"] if len(n) <= 8)
        return self._names

    def generate(self, rng: Rng, difficulty: float) -> Question:
        level = pick_level(difficulty, 4)
        street = rng.chance(0.5)
        n = 3 + (level + 1) // 2 if street else 3 + level
        n = min(n, 4) if street else n
        people = sorted(rng.sample(self.names, n))
        if street:
            pets = sorted(rng.sample(PETS, n))
            worlds = street_worlds(n)
            truth = worlds[rng.below(len(worlds))]
            if rng.chance(0.5):
                asked = rng.below(n)
                ask, hidden = f"Which pet does {people[asked]} own?", ("owner", pets[truth[n + asked]])
            else:
                p = rng.below(n)
                ask, hidden = f"Who owns the {pets[p]}?", ("owner", pets[p])
            clues = street_clues(people, pets)
            intro = (f"{NUMBERS[n].capitalize()} friends, {listing(people)}, live in houses 1 to {n} along a "
                     f"street, one per house, and each owns a different pet: {listing(['a ' + p for p in pets])}.")
        else:
            worlds = race_worlds(n)
            truth = worlds[rng.below(len(worlds))]
            k = rng.below(n)
            ask, hidden = f"Who finished {ORDINALS[k]}?", ("place", ORDINALS[k])
            clues = race_clues(people)
            intro = f"{NUMBERS[n].capitalize()} runners, {listing(people)}, ran a race with no ties."
        chosen = self._clues(rng.child("clues"), clues, worlds, truth, hidden)
        text = f"{intro} {' '.join(c.text for c in chosen)} {ask}"
        return Question(text, self.solve(text), "string", difficulty=round(level / 3, 2))

    def _clues(self, rng: Rng, clues: list[Clue], worlds: list[tuple[int, ...]], truth: tuple[int, ...],
               hidden: tuple[str, str]) -> list[Clue]:
        """True clues, never one that states the hidden fact, until one world remains; redundant ones dropped."""
        pool = rng.shuffled([c for c in clues if c.holds(truth) and c.reveals != hidden])
        masks = {c.text: mask(c, worlds) for c in pool}
        alive = (1 << len(worlds)) - 1
        chosen: list[Clue] = []
        for clue in pool:
            narrowed = alive & masks[clue.text]
            if narrowed != alive:
                chosen.append(clue)
                alive = narrowed
            if alive.bit_count() == 1:
                break
        for clue in list(reversed(chosen)):
            rest = [c for c in chosen if c is not clue]
            together = (1 << len(worlds)) - 1
            for c in rest:
                together &= masks[c.text]
            if together.bit_count() == 1:
                chosen = rest
        return rng.child("order").shuffled(chosen)

    def solve(self, text: str) -> str:
        text = text.strip()
        if m := _RACE.match(text):
            people = _split_listing(m.group("names"))
            worlds = race_worlds(len(people))
            world = self._only_world(text, m.group("clues"), race_clues(people), worlds)
            place = m.group("place")
            if place not in ORDINALS[:len(people)]:
                raise AbrError(f"{text[:60]!r} asks for place {place!r}, which the race does not have")
            return people[world.index(ORDINALS.index(place))]
        if m := _STREET.match(text):
            people = _split_listing(m.group("names"))
            pets = [p.removeprefix("a ") for p in _split_listing(m.group("pets"))]
            n = len(people)
            if int(m.group("n")) != n or len(pets) != n:
                raise AbrError(f"{text[:60]!r}: the number of houses, friends and pets differ")
            world = self._only_world(text, m.group("clues"), street_clues(people, pets), street_worlds(n))
            if m.group("pet"):
                if m.group("pet") not in pets:
                    raise AbrError(f"{text[:60]!r} asks about a {m.group('pet')}, which nobody owns")
                return people[world.index(pets.index(m.group("pet")), n) - n]
            if m.group("who") not in people:
                raise AbrError(f"{text[:60]!r} asks about {m.group('who')}, who is not in the puzzle")
            return pets[world[n + people.index(m.group("who"))]]
        raise not_mine(self.name, text)

    def _only_world(self, text: str, clue_text: str, clues: list[Clue], worlds: list[tuple[int, ...]]
                    ) -> tuple[int, ...]:
        known = {c.text: c for c in clues}
        alive = (1 << len(worlds)) - 1
        for sentence in _SENTENCE.split(clue_text):
            clue = known.get(sentence)
            if clue is None:
                raise AbrError(f"cannot read the clue {sentence!r} in {text[:40]!r}")
            alive &= mask(clue, worlds)
        count = alive.bit_count()
        if count != 1:
            raise AbrError(f"the puzzle {text[:40]!r} has {count} solutions, not exactly one")
        return worlds[alive.bit_length() - 1]
