"""Tokenizers beyond the default: a tiktoken Encoding built here from its own merge ranks (tiktoken cannot
download in tests), a Hugging Face hub name served from a local cache, and prompts rendered with both."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
from abr.errors import AbrError
from abr.generate import Engine
from abr.host import Host
from abr.recipe import Recipe
from abr.tokens import HFTokenizer, TiktokenTokenizer, load_tokenizer, token_index

PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
TEXTS = [
    "Quarterly revenue rose 12.5% to $4,310,000 while OSXVANVP: What is 3 + 5 * 2?",
    "  leading spaces\n\n\ttabs and ünïcödé — “quotes” 日本語 😀 end",
    "<document index=\"3\" title=\"Annual report\">\nText.\n</document>\n\nAnswer: 42",
    "",
]


def train_ranks(text: str, merges: int) -> dict[bytes, int]:
    """A byte-level BPE vocabulary learned from ``text`` (every byte, then the most frequent pairs)."""
    ranks = {bytes([i]): i for i in range(256)}
    freq: dict[tuple[bytes, ...], int] = {}
    for word in text.split(" "):
        key = tuple(bytes([b]) for b in (" " + word).encode())
        freq[key] = freq.get(key, 0) + 1
    for _ in range(merges):
        counts: dict[tuple[bytes, bytes], int] = {}
        for w, n in freq.items():
            for pair in itertools.pairwise(w):
                counts[pair] = counts.get(pair, 0) + n
        if not counts:
            break
        (a, b), _ = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        ranks.setdefault(a + b, len(ranks))
        merged: dict[tuple[bytes, ...], int] = {}
        for w, n in freq.items():
            out: list[bytes] = []
            i = 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + n
        freq = merged
    return ranks


@pytest.fixture(scope="module")
def encoding() -> Any:
    import tiktoken
    from abr.plugins.haystacks.procedural import ProceduralHaystack

    src = ProceduralHaystack()
    corpus = " ".join(" ".join(src.passage(g, i).sentences) for g in src.genres() for i in range(20))
    ranks = train_ranks(corpus, 120)
    return tiktoken.Encoding("abr-test", pat_str=PATTERN, mergeable_ranks=ranks,
                             special_tokens={"<|endoftext|>": len(ranks)})


def reference_starts(encoding: Any, text: str) -> list[int]:
    """Character offset of each token's first byte (a token starting inside a character belongs to it)."""
    starts, byte_pos = [], 0
    char_of_byte = [i for i, ch in enumerate(text) for _ in ch.encode()]
    for token in encoding.decode_tokens_bytes(encoding.encode_ordinary(text)):
        starts.append(char_of_byte[byte_pos])
        byte_pos += len(token)
    return starts


def test_tiktoken_counts_offsets_and_fingerprint(encoding: Any) -> None:
    tok = TiktokenTokenizer.from_encoding(encoding)
    assert (tok.spec, tok.backend, tok.special_tokens) == ("tiktoken:abr-test", "tiktoken", 0)
    for text in TEXTS:
        ids = encoding.encode_ordinary(text)
        assert tok.count(text) == len(ids)
        assert tok.token_starts(text).tolist() == reference_starts(encoding, text)
        if text:
            positions = sorted({0, len(text) // 3, len(text) // 2, len(text) - 1})
            ref = reference_starts(encoding, text)
            assert tok.locate(text, positions) == (len(ids), token_index(tok.token_starts(text), positions))
            assert all(ref[k] <= p for p, k in zip(positions, tok.locate(text, positions)[1]))
    assert tok.count_pieces(TEXTS) == [len(encoding.encode_ordinary(t)) for t in TEXTS]
    assert tok.fingerprint == TiktokenTokenizer.from_encoding(encoding).fingerprint


def test_tiktoken_fingerprint_tells_vocabularies_apart(encoding: Any) -> None:
    import tiktoken

    ranks = dict(encoding._mergeable_ranks)
    ranks.popitem()
    other = tiktoken.Encoding("abr-test", pat_str=PATTERN, mergeable_ranks=ranks, special_tokens={})
    assert TiktokenTokenizer.from_encoding(other).fingerprint != TiktokenTokenizer.from_encoding(encoding).fingerprint


def test_unknown_tiktoken_encoding_is_a_one_line_error() -> None:
    with pytest.raises(AbrError, match=r"cannot load tiktoken encoding 'no_such_base': .*check the name"):
        load_tokenizer("tiktoken:no_such_base")


def test_prompts_render_exactly_with_tiktoken(encoding: Any, host: Host) -> None:
    tok = TiktokenTokenizer.from_encoding(encoding)
    engine = Engine(Recipe(n=2, lengths=(1500,), seed=5), host=host, tokenizer=tok)
    for i in range(2):
        rec = engine.record(i)
        prompt = rec["prompt"]
        assert rec["tokens"]["count"] == len(encoding.encode_ordinary(prompt))
        assert 1500 - 15 <= rec["tokens"]["count"] <= 1500
        starts = reference_starts(encoding, prompt)
        for needle in rec["needles"]:
            assert starts[needle["token"]] <= needle["char"]
            assert needle["token"] + 1 == len(starts) or starts[needle["token"] + 1] > needle["char"]


def hub_cache(root: Path, repo: str, folder: Path) -> Path:
    """A Hugging Face cache holding ``repo`` at ``main``, as huggingface_hub lays it out."""
    commit = "0123456789abcdef0123456789abcdef01234567"
    base = root / f"models--{repo.replace('/', '--')}"
    snap = base / "snapshots" / commit
    snap.mkdir(parents=True)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(folder / name, snap / name)
    (base / "refs").mkdir()
    (base / "refs" / "main").write_text(commit)
    return root


def test_hub_name_loads_from_the_cache_with_its_chat_template(bpe_dir: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    cache = hub_cache(tmp_path / "hub", "abr-test/toy-bpe", bpe_dir)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    tok = load_tokenizer("hf:abr-test/toy-bpe")
    local = load_tokenizer(str(bpe_dir))
    assert isinstance(tok, HFTokenizer) and tok.fingerprint == local.fingerprint
    template = tok.chat_template()
    assert template is not None
    rendered = template.render([{"role": "user", "content": "hi"}])
    assert rendered == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    assert tok.count("Some background text.") == local.count("Some background text.")
    assert load_tokenizer("hf:abr-test/toy-bpe@main").fingerprint == tok.fingerprint
    with pytest.raises(AbrError, match=r"cannot fetch tokenizer 'abr-test/missing' from the Hugging Face hub"):
        load_tokenizer("hf:abr-test/missing")
