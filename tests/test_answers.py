"""Final-answer extraction and number normalization (abr.answers)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from abr.answers import extract_final_answer, parse_number


@pytest.mark.parametrize(("response", "answer", "status"), [
    ("<think>maybe 41</think>The result.\nAnswer: 42", "42", "ok"),
    ("<think>still thinking about 41", None, "unclosed-think"),
    ("<think>a</think> text <think>b", None, "unclosed-think"),
    ("the chat template opened the block</think>\nAnswer: 7", "7", "ok"),
    ("<thinking>x = 3?</thinking>\nFinal answer: 9", "9", "ok"),
    ("<THINK>Answer: 1</THINK>Answer: 2", "2", "ok"),
    ("Work...\n**Answer:** 1,024.", "1,024", "ok"),
    ("**Answer**: B", "B", "ok"),
    ("## Final Answer: $\\boxed{\\frac{1}{2}}$", "\\frac{1}{2}", "ok"),
    ("Answer: $12$", "12", "ok"),
    ("so the total is \\boxed{17} and \\boxed{18}", "18", "ok"),
    ("\\boxed{\\frac{a}{b}} is it", "\\frac{a}{b}", "ok"),
    ("Answer: 3\nwait, no.\nAnswer: 5", "5", "ok"),
    ("Answer: \\boxed{4}", "4", "ok"),
    ("The answer is 9", "9", "ok"),
    ("Let me think.\nSo the final answer is: **B**.", "B", "ok"),
    ("Error: rate limit exceeded", "Error: rate limit exceeded", "ok"),
    ("", None, "empty"),
    ("   \n\n  ", None, "empty"),
    ("<think>all reasoning</think>", None, "empty"),
    ("Answer: \"Paris\"", "Paris", "ok"),
])
def test_extract_final_answer(response: str, answer: str | None, status: str) -> None:
    got = extract_final_answer(response)
    assert (got.answer, got.status) == (answer, status)


@pytest.mark.parametrize(("text", "value"), [
    ("42", "42"), ("-7", "-7"), ("+3", "3"), ("  -0.50 ", "-0.5"), ("1,234", "1234"), ("1,234,567.5", "1234567.5"),
    ("1 234", "1234"), ("1\u202f234", "1234"), ("−12", "-12"), ("–3", "-3"), ("１２３", "123"), ("－５", "-5"),
    ("$4,310", "4310"), ("-$5", "-5"), ("$-5", "-5"), ("€ 12.50", "12.5"), ("12 €", "12"), ("£3", "3"),
    ("12%", "12"), ("x = 5", "5"), ("**42**", "42"), ("`42`", "42"), ("$42$", "42"), ("\\(3.5\\)", "3.5"),
    ("7/2", "3.5"), ("\\frac{7}{2}", "3.5"), ("-\\frac{1}{4}", "-0.25"), ("1e3", "1000"), ("0.5.", "0.5"),
])
def test_parse_number_normalizes(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", [
    "Error: rate limit exceeded", "twelve", "12 34", "1,23", "A or B", "12 apples", "1/0", "", "3.1.4", "x = y",
])
def test_parse_number_refuses_non_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(("text", "cleaned"), [
    ("**42**", "42"), ("*italic*", "italic"), ("2*3", "2*3"), ("a * b", "a * b"), ("x_1", "x_1"), ("_x_", "x"),
    ("`code`", "code"), ("$\\frac{1}{2}$", "\\frac{1}{2}"), ("\\text{Paris}", "Paris"), ("'quoted'", "quoted"),
    ("The end.", "The end"), ("3.5", "3.5"),
])
def test_clean_removes_markup_but_not_math(text: str, cleaned: str) -> None:
    from abr.answers import clean

    assert clean(text) == cleaned
