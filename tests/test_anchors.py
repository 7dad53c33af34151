"""Anchor styles: well-formed, collision-free anchors for every style; lengths set from the recipe argument;
near-duplicates inside the requested rapidfuzz band for every style, metric and seed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from abr.anchors import fresh_anchors, near_duplicates, similarity
from abr.components import AnchorStyle
from abr.errors import AbrError
from abr.plugins.anchors import components
from abr.plugins.anchors.random_id import RandomId
from abr.plugins.haystacks.guard import TextGuard
from abr.rng import Rng

STYLES = {s.name: s for s in components()}
EXAMPLES = {
    "random-id": r"[A-Z]{8}",
    "timestamp-id": r"1[5-8]\d{11}-[0-9a-z]{4}",
    "bracketed-id": r"\[ID: [A-Z]-\d{3}\]",
    "uuid": r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    "hex-key": r"[0-9a-f]{16}",
    "word-pair": r"[a-z]+_[a-z]+",
    "mixed-id": r"[A-Za-z0-9]{11}",
}


def test_every_style_is_registered_with_an_example_shape() -> None:
    assert sorted(STYLES) == sorted(EXAMPLES)
    for style in STYLES.values():
        assert style.version >= 1 and style.description and style.pattern


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_fresh_anchors_are_well_formed_distinct_and_never_nested(name: str) -> None:
    style = STYLES[name]
    guard = TextGuard()
    for seed in range(20):
        anchors = fresh_anchors(style, Rng("fresh", seed), 40, set())
        assert len(set(anchors)) == 40
        for a in anchors:
            assert re.fullmatch(EXAMPLES[name], a), a
            assert re.fullmatch(style.pattern, a), a
            assert guard.problem(f"Background text with {a} inside.") is not None
            assert not any(a != b and a in b for b in anchors)
    assert fresh_anchors(style, Rng("same"), 5, set()) == fresh_anchors(style, Rng("same"), 5, set())


def test_random_id_default_bytes_are_stable() -> None:
    """Golden outputs depend on these: the default 8-letter draw must never change silently."""
    assert fresh_anchors(RandomId(), Rng("x"), 3, set()) == ["NGTQQYAD", "KDXAIHXO", "VWQFYJZJ"]


@pytest.mark.parametrize(("spec", "shape"), [
    ("random-id:10", r"[A-Z]{10}"),
    ("random-id:length=12", r"[A-Z]{12}"),
    ("timestamp-id:6", r"\d{13}-[0-9a-z]{6}"),
    ("bracketed-id:letters=2,digits=4", r"\[ID: [A-Z]{2}-\d{4}\]"),
    ("bracketed-id:5", r"\[ID: [A-Z]-\d{5}\]"),
    ("hex-key:32", r"[0-9a-f]{32}"),
    ("word-pair:3", r"[a-z]+_[a-z]+_[a-z]+"),
    ("mixed-id:20", r"[A-Za-z0-9]{20}"),
])
def test_lengths_are_set_by_the_argument(spec: str, shape: str) -> None:
    name, _, argument = spec.partition(":")
    style = STYLES[name].configure(argument)
    for a in fresh_anchors(style, Rng("len", spec), 30, set()):
        assert re.fullmatch(shape, a), a
        assert re.fullmatch(style.pattern, a), a


def test_a_length_range_draws_every_length() -> None:
    style = STYLES["random-id"].configure("6-10")
    lengths = {len(a) for a in fresh_anchors(style, Rng("range"), 200, set())}
    assert lengths == {6, 7, 8, 9, 10}


@pytest.mark.parametrize(("spec", "message"), [
    ("random-id:5", r"anchor style 'random-id': length 5 is outside 6-32"),
    ("random-id:9-7", r"length 9-7 is outside 6-32 \(or LOW > HIGH\)"),
    ("random-id:ten", r"length must be N or LOW-HIGH within 6-32, got 'ten'"),
    ("random-id:size=9", r"unknown option 'size'; its options are length \(6-32\)"),
    ("bracketed-id:letters=9", r"letters 9 is outside 1-4"),
    ("uuid:8", r"anchor style 'uuid' has a fixed length \(36 characters\), got '8'; use hex-key:N"),
])
def test_bad_arguments_are_one_line_errors(spec: str, message: str) -> None:
    name, _, argument = spec.partition(":")
    with pytest.raises(AbrError, match=message):
        STYLES[name].configure(argument)


BANDS = [(0.8, 0.95), (0.6, 0.8), (0.5, 0.7)]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("metric", ["ratio", "partial_ratio"])
def test_near_duplicates_hit_the_band_for_every_style(name: str, metric: str) -> None:
    style = STYLES[name]
    seen_levels = set()
    for seed in range(25):
        rng = Rng("near", name, seed)
        others = fresh_anchors(style, rng.child("others"), 4, set())
        target = others.pop()
        for band in BANDS:
            decoys = near_duplicates(style, target, 3, band, rng.child(*band), set(others), metric=metric)
            assert len(set(decoys)) == 3
            for d in decoys:
                s = similarity(d, target, metric)
                seen_levels.add(round(s, 3))
                assert band[0] <= s <= band[1], (target, d, s, band)
                assert d != target and d not in target and target not in d
                assert re.fullmatch(style.pattern, d), d
                assert not any(d in o or o in d for o in others)
    assert len(seen_levels) >= 4  # decoys spread over the bands, not one fixed edit distance


def test_similarity_metrics_are_rapidfuzz_scores() -> None:
    assert similarity("ABCDEFGH", "ABCDEFGX") == pytest.approx(0.875)
    assert similarity("ABCDEFGH", "XXABCDEFGH") == pytest.approx(1 - 2 / 18)
    assert similarity("ABCDEFGH", "XXABCDEFGH", "partial_ratio") == 1.0
    with pytest.raises(AbrError, match="unknown similarity metric 'levenshtein'"):
        similarity("a", "b", "levenshtein")


def test_unreachable_band_is_a_clear_error() -> None:
    message = (r"cannot make near-duplicates of 'ABCDEFGH' \(style random-id\) with similarity in \[0.96, 0.99\] "
               r"\(ratio\); levels reached nearest the band: 0.875")
    with pytest.raises(AbrError, match=message):
        near_duplicates(RandomId(), "ABCDEFGH", 1, (0.96, 0.99), Rng("x"), set())
    with pytest.raises(AbrError, match=r"band \[0.9, 0.8\] must satisfy"):
        near_duplicates(RandomId(), "ABCDEFGH", 1, (0.9, 0.8), Rng("x"), set())


def test_a_plugin_style_gets_near_duplicates_through_mutate_alone() -> None:
    class Digits(AnchorStyle):
        name = "digits"
        version = 1
        description = "ten digits"
        pattern = r"\b\d{10}\b"

        def make(self, rng: Rng) -> str:
            return "".join(str(rng.below(10)) for _ in range(10))

        def mutate(self, anchor: str, rng: Rng) -> str:
            i = rng.below(10)
            return anchor[:i] + str((int(anchor[i]) + 1 + rng.below(9)) % 10) + anchor[i + 1:]

    target = Digits().make(Rng("t"))
    for d in near_duplicates(Digits(), target, 5, (0.7, 0.85), Rng("d"), set()):
        assert 0.7 <= similarity(d, target) <= 0.85


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_style_generates_verifiable_samples_with_near_duplicates(name: str, tmp_path: Path) -> None:
    from abr.cli import main
    from helpers import generate, records

    out = tmp_path / "d.jsonl"
    generate(out, "--skill", "niah", "--anchor-style", name, "--interference", "near-duplicate", "-n", "2",
             "--length", "1500")
    for rec in records(out):
        assert all(re.fullmatch(STYLES[name].pattern, a) for a in rec["blueprint"]["anchors"].values())
        for anchor in rec["blueprint"]["anchors"].values():
            paragraph = next(p for p in rec["prompt"].split("\n") if anchor in p)
            assert paragraph.startswith(STYLES[name].render_pair(anchor, "")), paragraph
    assert main(["verify", str(out)]) == 0
