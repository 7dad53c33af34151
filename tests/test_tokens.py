"""Tokenizers: the built-in default against a character-by-character reference, HF tokenizer.json through
gigatoken and through tokenizers (same ids, same offsets), chat templates, and bad specs."""

from __future__ import annotations

import bisect
from pathlib import Path

import numpy as np
import pytest
from abr.errors import AbrError
from abr.tokens import DefaultTokenizer, HFTokenizer, load_tokenizer
from hypothesis import given, settings
from hypothesis import strategies as st


def reference_starts(text: str) -> list[int]:
    """The default tokenizer's rules, written as a plain loop (see abr.tokens)."""

    def kind(c: str) -> int:
        o = ord(c)
        if o >= 128:
            return 6
        if c.isalpha():
            return 1
        if c.isdigit():
            return 2
        if c == " ":
            return 3
        if c.isspace() or o < 32 or o == 127:
            return 4
        return 5

    classes = [kind(c) for c in text]
    starts, run = [], 0
    for i, c in enumerate(classes):
        prev = classes[i - 1] if i else 0
        nxt = classes[i + 1] if i + 1 < len(classes) else 0
        if c in (1, 2):
            run = run + 1 if i and prev == c else 0
            if run % (6 if c == 1 else 3) == 0 and not (run == 0 and prev == 3):
                starts.append(i)
        else:
            run = 0
            if (c == 3 and (prev != 3 or nxt in (1, 2))) or (c == 4 and prev != 4) or c in (5, 6):
                starts.append(i)
    return starts


TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ0123456789  \n\t.,:-'\"éü日😀")), max_size=120)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_default_matches_reference(text: str) -> None:
    tok = DefaultTokenizer()
    assert tok.token_starts(text).tolist() == reference_starts(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, max_size=6), st.lists(st.integers(0, 500), max_size=4))
def test_default_pieces_and_locate(pieces: list[str], raw_positions: list[int]) -> None:
    tok = DefaultTokenizer()
    assert tok.count_pieces(pieces) == [len(reference_starts(p)) for p in pieces]
    text = "".join(pieces)
    if text:
        positions = [p % len(text) for p in raw_positions]
        ref = reference_starts(text)
        assert tok.locate(text, positions) == (len(ref), [bisect.bisect_right(ref, p) - 1 for p in positions])


def test_default_examples() -> None:
    tok = DefaultTokenizer()
    text = "The OSXVANVP anchor: 1760536321726 tokens.\n\nNext"
    starts = tok.token_starts(text).tolist()
    pieces = [text[s:e] for s, e in zip(starts, [*starts[1:], len(text)])]
    assert pieces == ["The", " OSXVAN", "VP", " anchor", ":", " 176", "053", "632", "172", "6", " tokens", ".",
                      "\n\n", "Next"]
    assert tok.count("") == 0


def test_default_is_additive_at_paragraph_and_sentence_seams() -> None:
    tok = DefaultTokenizer()
    sentences = ["Revenue rose 12.5% in Q3.", " Costs fell.", " The board met on March 3, 2021."]
    assert sum(tok.count_pieces(sentences)) == tok.count("".join(sentences))
    paragraphs = ["First paragraph here.", "\n\n", "Second one.", "\n\n", "</document>"]
    assert sum(tok.count_pieces(paragraphs)) == tok.count("".join(paragraphs))


def _probe_texts() -> list[str]:
    return [
        "Quarterly revenue rose 12.5% to $4,310,000 while OSXVANVP: What is 3 + 5 * 2?",
        "  leading spaces\n\n\ttabs and ünïcödé — “quotes” 日本語 😀 end",
        "<|im_start|>user\nhello<|im_end|>\n",
        "",
    ]


def test_hf_gigatoken_and_tokenizers_agree(bpe_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = load_tokenizer(str(bpe_dir))
    assert isinstance(fast, HFTokenizer)
    assert fast.backend == "gigatoken"
    monkeypatch.setenv("ABR_NO_GIGATOKEN", "1")
    slow = load_tokenizer(str(bpe_dir))
    assert slow.backend == "tokenizers"
    assert fast.fingerprint == slow.fingerprint
    assert fast.special_tokens == slow.special_tokens == 1
    assert fast.special_prefix == slow.special_prefix == 1
    for text in _probe_texts():
        assert fast.token_starts(text).tolist() == slow.token_starts(text).tolist()
        assert fast.count_pieces([text, text[:7]]) == slow.count_pieces([text, text[:7]])
        if text:
            positions = [0, len(text) // 2, len(text) - 1]
            assert fast.locate(text, positions) == slow.locate(text, positions)


def test_hf_counts_match_the_tokenizers_library(bpe_dir: Path) -> None:
    from tokenizers import Tokenizer

    ref = Tokenizer.from_file(str(bpe_dir / "tokenizer.json"))
    tok = load_tokenizer(f"hf:{bpe_dir}")
    text = "Background text. OSXVANVP: What is 7 * 6?\n\nAnswer: 42"
    assert tok.count(text) == len(ref.encode(text).ids)  # includes the BOS the post-processor adds
    assert tok.count(text, special=False) == len(ref.encode(text, add_special_tokens=False).ids)


def test_chat_template_renders_in_a_sandbox(bpe_dir: Path) -> None:
    tok = load_tokenizer(str(bpe_dir))
    template = tok.chat_template()
    assert template is not None
    text = template.render([{"role": "user", "content": "hi"}])
    assert text == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    assert DefaultTokenizer().chat_template() is None


def test_byte_offsets_map_to_characters(bpe_dir: Path) -> None:
    tok = load_tokenizer(str(bpe_dir))
    text = "日本 OSXVANVP é"
    n, located = tok.locate(text, [text.index("OSXVANVP")])
    starts = tok.token_starts(text)
    assert starts[located[0]] <= text.index("OSXVANVP") < (starts[located[0] + 1] if located[0] + 1 < n else len(text))
    assert np.all(np.diff(starts) >= 0)  # a character may span several byte-level tokens


@pytest.mark.parametrize(("spec", "message"), [
    ("/no/such/folder/tokenizer", "unknown tokenizer '/no/such/folder/tokenizer'"),
    ("nonsense", "unknown tokenizer 'nonsense'"),
])
def test_unknown_tokenizer(spec: str, message: str) -> None:
    with pytest.raises(AbrError, match=message):
        load_tokenizer(spec)


def test_folder_without_tokenizer_json(tmp_path: Path) -> None:
    with pytest.raises(AbrError, match=r"has no tokenizer\.json"):
        load_tokenizer(str(tmp_path))
