"""Tokenizers: one interface over the built-in offline default, Hugging Face ``tokenizer.json`` and tiktoken.

Lengths in abr are exact token counts of the whole prompt as the model sees it. Generation counts
background sentences once (cached by the caller) and encodes each finished prompt once; an encoder
exposes that single full encode as ``token_starts`` (the character offset where each token begins),
which yields the count and every needle's token offset together.

For a ``tokenizer.json`` the fastest exact encoder is used: ``gigatoken`` when it reproduces the
``tokenizers`` ids on a probe text (checked on load), otherwise ``tokenizers`` itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from abr.errors import AbrError

# ---------------------------------------------------------------------------------------------------------
# The built-in default: a deterministic, offline, BPE-like word-piece tokenizer.
#
# Rules (on Unicode code points): a run of ASCII letters is cut into pieces of at most 6 letters, a run of
# digits into pieces of at most 3; one space directly before a letter or digit run joins that run's first
# piece (" word"); other spaces run together; a run of other ASCII whitespace (newline, tab...) is one
# token; every ASCII punctuation mark and every non-ASCII character is a token of its own. English prose
# comes out at roughly 1.2 tokens a word, close to common BPE vocabularies.

_NONE, _LETTER, _DIGIT, _SPACE, _WS, _PUNCT, _OTHER = range(7)


def _class_table() -> np.ndarray:
    table = np.full(129, _OTHER, dtype=np.int8)
    for c in range(128):
        ch = chr(c)
        if "a" <= ch <= "z" or "A" <= ch <= "Z":
            table[c] = _LETTER
        elif "0" <= ch <= "9":
            table[c] = _DIGIT
        elif ch == " ":
            table[c] = _SPACE
        elif ch.isspace() or c < 32 or c == 127:
            table[c] = _WS
        else:
            table[c] = _PUNCT
    return table


class Tokenizer(ABC):
    """The interface the fitter, the record writer and ``abr verify`` use."""

    #: how to load the same tokenizer again (``abr verify`` uses it)
    spec: str = ""
    #: a short digest of the tokenizer's definition, so a different tokenizer under the same name is caught
    fingerprint: str = ""
    #: which engine encodes (for benchmarks and notes)
    backend: str = ""
    #: a note shown to the user when a faster engine was refused
    note: str = ""
    #: tokens a raw (non-chat) encode adds around the text, e.g. a BOS token
    special_tokens: int = 0
    #: how many of those come before the text (they shift every token offset)
    special_prefix: int = 0

    def __init__(self) -> None:
        self.full_encodes = 0

    @abstractmethod
    def count_pieces(self, pieces: Sequence[str]) -> list[int]:
        """Token counts of independent pieces of text, without special tokens."""

    @abstractmethod
    def _starts(self, text: str) -> np.ndarray:
        """Character offsets where each token of ``text`` starts (no special tokens)."""

    def token_starts(self, text: str) -> np.ndarray:
        """One full encode: start offsets (int64) of every token of ``text``, no special tokens."""
        self.full_encodes += 1
        return self._starts(text)

    def locate(self, text: str, positions: Sequence[int]) -> tuple[int, list[int]]:
        """One full encode: the token count of ``text`` (no special tokens) and, for each character
        position, the index of the token that contains it."""
        self.full_encodes += 1
        return self._locate(text, positions)

    def _locate(self, text: str, positions: Sequence[int]) -> tuple[int, list[int]]:
        starts = self._starts(text)
        return len(starts), token_index(starts, positions)

    def chat_template(self) -> ChatTemplate | None:
        """The tokenizer's chat template, if it has one."""
        return None

    def count(self, text: str, special: bool = True) -> int:
        """The exact number of tokens of ``text`` (with the raw-encode special tokens unless ``special``)."""
        return len(self.token_starts(text)) + (self.special_tokens if special else 0)


def token_index(starts: np.ndarray, positions: Sequence[int]) -> list[int]:
    """For each character position, the first token that covers it (a character split over several
    byte-level tokens belongs to the first)."""
    pos = np.asarray(positions, dtype=np.int64)
    idx = np.searchsorted(starts, pos, side="left")
    exact = (idx < len(starts)) & (starts[np.minimum(idx, len(starts) - 1)] == pos) if len(starts) else idx < 0
    return np.where(exact, idx, idx - 1).tolist()


class DefaultTokenizer(Tokenizer):
    """``default``: works offline on a fresh install; vectorized with numpy, exactly additive at seams.

    Work arrays are reused between calls (fresh 100K-element buffers per prompt cost more in page faults
    than the arithmetic), so one instance must not be shared between threads.
    """

    spec = "default"
    backend = "numpy"
    version = 1

    def __init__(self) -> None:
        super().__init__()
        self._table = _class_table()
        self._work: dict[str, np.ndarray] = {}
        self.fingerprint = f"abr-default-v{self.version}"

    def _scratch(self, name: str, n: int, dtype: Any = bool) -> np.ndarray:
        """A reusable work array of length n (contents undefined)."""
        buf = self._work.get(name)
        if buf is None or buf.shape[0] < n:
            buf = np.empty(max(n, 1024), dtype=dtype)
            self._work[name] = buf
        return buf[:n]

    def _classes(self, text: str) -> np.ndarray:
        if text.isascii():
            raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        else:
            raw = np.minimum(np.frombuffer(text.encode("utf-32-le"), dtype="<u4"), 128)
        return self._table.take(raw, out=self._scratch("cls", raw.shape[0], np.int8))

    def _flags(self, text: str, cuts: np.ndarray | None = None) -> np.ndarray:
        """A boolean per character: does a token start here? (a work array: use it before the next call)

        ``cuts`` are offsets where an independent piece begins: the text is analysed as if split there.
        """
        cls = self._classes(text)
        n = cls.shape[0]
        if n == 0:
            return np.zeros(0, dtype=bool)
        w = self._scratch
        fresh = w("fresh", n)  # differs in class from the previous character
        fresh[0] = True
        np.not_equal(cls[1:], cls[:-1], out=fresh[1:])
        space = np.equal(cls, _SPACE, out=w("space", n))
        prev_space = w("prev_space", n)
        prev_space[0] = False
        prev_space[1:] = space[:-1]
        letter = np.equal(cls, _LETTER, out=w("letter", n))
        digit = np.equal(cls, _DIGIT, out=w("digit", n))
        alnum = np.logical_or(letter, digit, out=w("alnum", n))
        next_alnum = w("next_alnum", n)
        next_alnum[-1] = False
        next_alnum[:-1] = alnum[1:]
        if cuts is not None and cuts.size:
            fresh[cuts] = True
            prev_space[cuts] = False
            next_alnum[cuts[cuts > 0] - 1] = False
        tmp = w("tmp", n)
        starts = np.logical_and(alnum, fresh, out=w("starts", n))
        starts &= np.logical_not(prev_space, out=tmp)
        np.logical_or(fresh, next_alnum, out=tmp)
        tmp &= space
        starts |= tmp
        np.equal(cls, _WS, out=tmp)
        tmp &= fresh
        starts |= tmp
        starts |= np.greater_equal(cls, _PUNCT, out=tmp)
        cont = np.logical_not(fresh, out=w("cont", n))
        for kind, chunk in ((letter, 6), (digit, 3)):
            kind &= cont
            self._mark_chunks(starts, kind, chunk)
        return starts

    def _mark_chunks(self, starts: np.ndarray, cont: np.ndarray, chunk: int) -> None:
        """Set a start at every character whose position in its run is a positive multiple of ``chunk``.

        ``cont[i]``: character i continues the run of character i-1. ``reach`` marks characters at least
        k places into their run: reach_{k+1}[i] = reach_k[i] and cont[i-k], and
        reach_{(m+1)c}[i] = reach_{mc}[i] and reach_{mc}[i-c]. A position is exactly mc where
        reach_{mc} holds but did not one character earlier.
        """
        n = cont.shape[0]
        a, b, exact = self._scratch("reach_a", n), self._scratch("reach_b", n), self._scratch("exact", n)
        np.copyto(a, cont)
        for k in range(1, chunk):
            b[:k] = False
            np.logical_and(a[k:], cont[:-k], out=b[k:])
            a, b = b, a
        while a.any():
            np.copyto(exact, a)
            np.logical_not(a[:-1], out=b[1:])
            exact[1:] &= b[1:]
            starts |= exact
            b[:chunk] = False
            np.logical_and(a[chunk:], a[:-chunk], out=b[chunk:])
            a, b = b, a

    def _starts(self, text: str) -> np.ndarray:
        return np.flatnonzero(self._flags(text)).astype(np.int64)

    def _locate(self, text: str, positions: Sequence[int]) -> tuple[int, list[int]]:
        flags = self._flags(text)
        if len(positions) > 16:
            csum = np.cumsum(flags, dtype=np.int64)
            return int(csum[-1]) if len(csum) else 0, [int(csum[p]) - 1 for p in positions]
        return int(np.count_nonzero(flags)), [int(np.count_nonzero(flags[: p + 1])) - 1 for p in positions]

    def count_pieces(self, pieces: Sequence[str]) -> list[int]:
        if not pieces:
            return []
        lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
        bounds = np.concatenate(([0], np.cumsum(lengths)))
        flags = self._flags("".join(pieces), cuts=bounds[:-1][lengths > 0])
        csum = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
        return (csum[bounds[1:]] - csum[bounds[:-1]]).tolist()


# ---------------------------------------------------------------------------------------------------------
# Chat templates, rendered the way Hugging Face renders them: Jinja in a sandbox, never Python eval.


class ChatTemplate:
    """A tokenizer's chat template with its special tokens."""

    def __init__(self, source: str, bos: str, eos: str) -> None:
        self.source = source
        self.bos = bos
        self.eos = eos
        self._compiled: Any = None

    def render(self, messages: Sequence[Mapping[str, str]], add_generation_prompt: bool = True) -> str:
        if self._compiled is None:
            try:
                from jinja2.exceptions import TemplateError
                from jinja2.sandbox import ImmutableSandboxedEnvironment
            except ImportError:
                raise AbrError("--chat-template needs jinja2: pip install 'abr[hf]'") from None

            def raise_exception(message: str) -> None:
                raise TemplateError(message)

            def tojson(value: Any, indent: int | None = None) -> str:
                return json.dumps(value, ensure_ascii=False, indent=indent)

            env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
            env.filters["tojson"] = tojson
            env.globals["raise_exception"] = raise_exception
            env.globals["strftime_now"] = lambda fmt: "01 Jan 2025"  # fixed: outputs must not depend on today
            self._compiled = env.from_string(self.source)
        return str(self._compiled.render(messages=list(messages), add_generation_prompt=add_generation_prompt,
                                         bos_token=self.bos, eos_token=self.eos))


def _token_text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("content", ""))
    return "" if value is None else str(value)


def _load_chat_template(folder: Path | None) -> ChatTemplate | None:
    if folder is None:
        return None
    config: dict[str, Any] = {}
    cfg_path = folder / "tokenizer_config.json"
    if cfg_path.is_file():
        try:
            config = json.loads(cfg_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise AbrError(f"cannot read {cfg_path}: {exc}") from None
    source = config.get("chat_template")
    jinja_path = folder / "chat_template.jinja"
    if source is None and jinja_path.is_file():
        source = jinja_path.read_text(encoding="utf-8")
    if isinstance(source, list):
        named = {t.get("name"): t.get("template") for t in source if isinstance(t, dict)}
        source = named.get("default") or next(iter(named.values()), None)
    if not source:
        return None
    return ChatTemplate(str(source), _token_text(config.get("bos_token")), _token_text(config.get("eos_token")))


# ---------------------------------------------------------------------------------------------------------
# Hugging Face tokenizer.json

_PROBE = (
    "Quarterly revenue rose 12.5% to $4,310,000 while OSXVANVP: What is 3 + 5 × 2?\n\n"
    "  Indented   spaces\tand tabs\r\nÜnïcödé — “quotes” 日本語 😀 1760536321726-5em0 [ID: B-292]\n"
    "<document index=\"3\" title=\"Annual report\">\nText.\n</document>\n\nAnswer: 42"
)


class HFTokenizer(Tokenizer):
    """A Hugging Face ``tokenizer.json``; gigatoken when it is exact on the probe, else ``tokenizers``."""

    def __init__(self, spec: str, json_path: Path | None, hub_name: str | None = None) -> None:
        super().__init__()
        try:
            import tokenizers
        except ImportError:
            raise AbrError(f"tokenizer '{spec}' needs the 'tokenizers' package: pip install 'abr[hf]'") from None
        self.spec = spec
        folder = json_path.parent if json_path is not None else None
        try:
            if json_path is not None:
                self._tok = tokenizers.Tokenizer.from_file(str(json_path))
                digest = hashlib.sha256(json_path.read_bytes()).hexdigest()
            else:
                self._tok = tokenizers.Tokenizer.from_pretrained(str(hub_name))
                digest = hashlib.sha256(self._tok.to_str().encode()).hexdigest()
        except Exception as exc:
            raise AbrError(
                f"cannot load tokenizer '{spec}': {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}; "
                f"pass a local folder that holds tokenizer.json (the hub may be unreachable)"
            ) from None
        self.fingerprint = digest[:16]
        self.special_tokens = len(self._tok.encode("", add_special_tokens=True).ids)
        mask = self._tok.encode("a", add_special_tokens=True).special_tokens_mask
        self.special_prefix = mask.index(0) if 0 in mask else 0
        self._template = _load_chat_template(folder)
        self._fast: Any = None
        self._byte_lengths: np.ndarray | None = None
        self._lead = 0
        self.backend = "tokenizers"
        if os.environ.get("ABR_NO_GIGATOKEN") != "1":
            self._try_gigatoken(json_path)

    def _try_gigatoken(self, json_path: Path | None) -> None:
        try:
            import gigatoken
        except ImportError:
            self.note = "install gigatoken (pip install 'abr[fast]') for a much faster exact encoder"
            return
        try:
            fast = gigatoken.Tokenizer(str(json_path) if json_path is not None else self._tok)
            fast_ids = fast.encode(_PROBE).tolist()
        except Exception as exc:
            self.note = f"gigatoken refused this tokenizer ({str(exc).splitlines()[0][:120]}); using tokenizers"
            return
        ref_ids = self._tok.encode(_PROBE, add_special_tokens=False).ids
        if fast_ids != ref_ids:
            self.note = "gigatoken's ids differ from tokenizers' on the probe text; using tokenizers"
            return
        vocab = fast.vocab
        size = max(vocab) + 1
        lengths = np.zeros(size, dtype=np.int64)
        pieces = {}
        for i, b in vocab.items():
            b = b.replace(b"\xe2\x96\x81", b" ")
            pieces[i] = b
            lengths[i] = len(b)
        rebuilt = b"".join(pieces[i] for i in ref_ids)
        probe = _PROBE.encode("utf-8")
        if rebuilt == probe:
            lead = 0
        elif rebuilt == b" " + probe:
            lead = 1
        else:
            self.note = "gigatoken ids match, but token bytes do not rebuild the text; using tokenizers"
            return
        self._fast, self._byte_lengths, self._lead = fast, lengths, lead
        self.backend = "gigatoken"

    def chat_template(self) -> ChatTemplate | None:
        return self._template

    def count_pieces(self, pieces: Sequence[str]) -> list[int]:
        if not pieces:
            return []
        if self._fast is not None:
            return [len(x) for x in self._fast.encode_batch_list(list(pieces))] if hasattr(
                self._fast, "encode_batch_list") else [len(self._fast.encode(p)) for p in pieces]
        return [len(e.ids) for e in self._tok.encode_batch(list(pieces), add_special_tokens=False)]

    def _locate(self, text: str, positions: Sequence[int]) -> tuple[int, list[int]]:
        if self._fast is None or self._byte_lengths is None:
            return super()._locate(text, positions)
        return _locate_from_ids(text, self._fast.encode(text), self._byte_lengths, self._lead, positions)

    def _starts(self, text: str) -> np.ndarray:
        if self._fast is not None and self._byte_lengths is not None:
            return _starts_from_ids(text, self._fast.encode(text), self._byte_lengths, self._lead)
        enc = self._tok.encode(text, add_special_tokens=False)
        return np.fromiter((o[0] for o in enc.offsets), dtype=np.int64, count=len(enc.offsets))


def _utf8_lengths(text: str) -> np.ndarray:
    """The UTF-8 length in bytes of every character of ``text``."""
    cp = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    return np.where(cp < 0x80, 1, np.where(cp < 0x800, 2, np.where(cp < 0x10000, 3, 4))).astype(np.int64)


def _byte_to_char_offsets(text: str, byte_offsets: np.ndarray) -> np.ndarray:
    """Map UTF-8 byte offsets to character offsets (a token may start inside a multi-byte character)."""
    if text.isascii():
        return byte_offsets.astype(np.int64)
    char_byte_starts = np.concatenate(([0], np.cumsum(_utf8_lengths(text))[:-1]))
    return (np.searchsorted(char_byte_starts, byte_offsets, side="right") - 1).astype(np.int64)


# ---------------------------------------------------------------------------------------------------------
# tiktoken


class TiktokenTokenizer(Tokenizer):
    """A tiktoken encoding: by name (``cl100k_base``; tiktoken fetches its file on first use, or reads it from
    ``TIKTOKEN_CACHE_DIR``) or any ``tiktoken.Encoding`` object (:meth:`from_encoding`).

    Token offsets come from the byte length of every vocabulary entry, so locating needles costs one
    encode and a cumulative sum. The fingerprint digests the merge ranks, the split pattern and the special
    tokens, so two encodings that share a name but not a vocabulary are told apart.
    """

    backend = "tiktoken"

    def __init__(self, spec: str, encoding_name: str | None = None, encoding: Any = None) -> None:
        super().__init__()
        if encoding is None:
            try:
                import tiktoken
            except ImportError:
                raise AbrError(f"tokenizer '{spec}' needs tiktoken: pip install 'abr[tiktoken]'") from None
            try:
                encoding = tiktoken.get_encoding(str(encoding_name))
            except Exception as exc:
                raise AbrError(f"cannot load tiktoken encoding '{encoding_name}': {str(exc).splitlines()[0]}; "
                               f"check the name (e.g. cl100k_base, o200k_base) and that its file is cached") from None
        self._enc = encoding
        self.spec = spec
        self.fingerprint = _tiktoken_fingerprint(encoding)
        self._byte_lengths = _tiktoken_byte_lengths(encoding)

    @classmethod
    def from_encoding(cls, encoding: Any, spec: str | None = None) -> TiktokenTokenizer:
        """A tokenizer over an Encoding built in memory (e.g. from your own mergeable ranks)."""
        return cls(spec or f"tiktoken:{encoding.name}", encoding=encoding)

    def count_pieces(self, pieces: Sequence[str]) -> list[int]:
        return [len(x) for x in self._enc.encode_ordinary_batch(list(pieces))]

    def _ids(self, text: str) -> np.ndarray:
        return np.asarray(self._enc.encode_ordinary(text), dtype=np.int64)

    def _starts(self, text: str) -> np.ndarray:
        return _starts_from_ids(text, self._ids(text), self._byte_lengths, 0)

    def _locate(self, text: str, positions: Sequence[int]) -> tuple[int, list[int]]:
        return _locate_from_ids(text, self._ids(text), self._byte_lengths, 0, positions)


def _tiktoken_fingerprint(encoding: Any) -> str:
    digest = hashlib.sha256()
    ranks = getattr(encoding, "_mergeable_ranks", None)
    if isinstance(ranks, dict):
        digest.update(str(getattr(encoding, "_pat_str", "")).encode())
        for token, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
            digest.update(rank.to_bytes(4, "big") + token)
        for name, rank in sorted(dict(getattr(encoding, "_special_tokens", {})).items()):
            digest.update(name.encode() + rank.to_bytes(4, "big"))
    else:
        digest.update(f"{encoding.name}:{encoding.n_vocab}".encode())
    return digest.hexdigest()[:16]


def _tiktoken_byte_lengths(encoding: Any) -> np.ndarray:
    """Byte length of every token id (0 for ids that are not in the vocabulary)."""
    lengths = np.zeros(encoding.n_vocab, dtype=np.int64)
    ranks = getattr(encoding, "_mergeable_ranks", None)
    if isinstance(ranks, dict):
        for token, rank in ranks.items():
            lengths[rank] = len(token)
        return lengths
    for i in range(encoding.n_vocab):
        try:
            lengths[i] = len(encoding.decode_single_token_bytes(i))
        except KeyError:
            continue
    return lengths


def _starts_from_ids(text: str, ids: np.ndarray, byte_lengths: np.ndarray, lead: int) -> np.ndarray:
    """Character offsets where each token starts, from the byte length of every token."""
    if ids.size == 0:
        return np.zeros(0, dtype=np.int64)
    byte_ends = np.cumsum(byte_lengths[ids]) - lead
    byte_starts = np.concatenate(([0], byte_ends[:-1]))
    return _byte_to_char_offsets(text, np.maximum(byte_starts, 0))


def _locate_from_ids(text: str, ids: np.ndarray, byte_lengths: np.ndarray, lead: int,
                     positions: Sequence[int]) -> tuple[int, list[int]]:
    """Token count and, per character position, the token that holds it — without mapping every token."""
    if ids.size == 0:
        return 0, [-1 for _ in positions]
    byte_starts = np.empty(ids.size, dtype=np.int64)
    byte_starts[0] = 0
    np.cumsum(byte_lengths[ids[:-1]], out=byte_starts[1:])
    byte_starts[1:] -= lead
    if text.isascii():
        wanted: Sequence[int] = positions
    else:
        prefix = np.concatenate(([0], np.cumsum(_utf8_lengths(text))))
        wanted = prefix[np.asarray(positions, dtype=np.int64)].tolist()
    return int(ids.size), token_index(byte_starts, wanted)


# ---------------------------------------------------------------------------------------------------------


HUB_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "special_tokens_map.json")


def hub_folder(name: str) -> Path | None:
    """A local snapshot of a hub tokenizer (``ORG/NAME`` or ``ORG/NAME@REVISION``) with its chat template,
    from the Hugging Face cache or the hub; None when ``huggingface_hub`` is not installed."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    repo, _, revision = name.partition("@")
    try:
        folder = Path(snapshot_download(repo, revision=revision or None, allow_patterns=list(HUB_FILES)))
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AbrError(f"cannot fetch tokenizer '{name}' from the Hugging Face hub ({first[:160]}); pass a local "
                       f"folder that holds tokenizer.json") from None
    if not (folder / "tokenizer.json").is_file():
        raise AbrError(f"hub repository '{repo}' has no tokenizer.json; pass a local tokenizer folder")
    return folder


def load_tokenizer(spec: str) -> Tokenizer:
    """A tokenizer from a spec: ``default``, ``tiktoken:NAME``, ``hf:PATH_OR_HUB_NAME[@REVISION]``, or a local
    path."""
    raw = spec.strip()
    if raw in ("", "default", "abr/default"):
        return DefaultTokenizer()
    if raw.startswith("tiktoken:"):
        return TiktokenTokenizer(raw, raw.split(":", 1)[1])
    target = raw.split(":", 1)[1] if raw.startswith("hf:") else raw
    path = Path(target).expanduser()
    if path.is_dir():
        json_path = path / "tokenizer.json"
        if not json_path.is_file():
            raise AbrError(f"tokenizer folder '{target}' has no tokenizer.json; save one with "
                           f"tokenizer.save_pretrained(folder)")
        return HFTokenizer(raw, json_path)
    if path.is_file():
        return HFTokenizer(raw, path)
    if raw.startswith("hf:") or ("/" in target and not target.startswith((".", "/"))):
        folder = hub_folder(target)
        if folder is None:
            return HFTokenizer(raw, None, hub_name=target)
        return HFTokenizer(raw, folder / "tokenizer.json")
    raise AbrError(f"unknown tokenizer '{spec}': use 'default', a folder with tokenizer.json, "
                   f"'hf:ORG/NAME' or 'tiktoken:cl100k_base'")
