"""Turning user text into background passages: cleaned paragraphs cut into sentences.

The fitter trims a document at sentence boundaries, so every passage is a tuple of sentences whose
space-joined text is the paragraph. Sentences end at ``.``, ``!`` or ``?`` (with closing quotes or
brackets) followed by a capital, a digit or an opening quote; abbreviations such as ``Dr.``, ``e.g.``
and single initials (``J. R. Tolkien``) do not end one. Very long sentences are cut at spaces, long
paragraphs become several passages, and paragraphs under four words (headings, captions) are dropped.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SENTENCES = 8
MAX_SENTENCE_CHARS = 400
MIN_WORDS = 4

_ABBREVIATIONS = frozenset(str.split(
    "mr mrs ms dr prof sr jr st mt ft vs etc e.g i.e cf al no nos vol fig figs eq approx inc ltd co corp dept "
    "univ est jan feb mar apr jun jul aug sep sept oct nov dec gen col lt sgt capt gov rep sen rev u.s u.k"
))
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFC, Unix newlines, no control characters, no tabs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).replace("\t", " ")


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, each with its whitespace collapsed to single spaces."""
    out = []
    for block in re.split(r"\n\s*\n", normalize(text)):
        joined = _SPACES.sub(" ", block).strip()
        if joined:
            out.append(joined)
    return out


def _ends_sentence(paragraph: str, end: int) -> bool:
    """Whether the punctuation ending at ``end`` closes a sentence (not an abbreviation or an initial)."""
    start = end
    while start > 0 and not paragraph[start - 1].isspace():
        start -= 1
    word = paragraph[start:end].strip("\"'“‘([").rstrip(".").lower()
    if paragraph[end - 1] != "." or not word:
        return True
    if word in _ABBREVIATIONS:
        return False
    return not (len(word) == 1 and word.isalpha())


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph (whitespace already collapsed)."""
    out = []
    pos = 0
    for m in _END.finditer(paragraph):
        dot = paragraph.rfind(".", m.start(), m.end())
        if dot >= 0 and not _ends_sentence(paragraph, dot + 1):
            continue
        sentence = paragraph[pos:m.end()].strip()
        if sentence:
            out.append(sentence)
        pos = m.end()
    tail = paragraph[pos:].strip()
    if tail:
        out.append(tail)
    return [piece for s in out for piece in _cut_long(s)]


def _cut_long(sentence: str) -> list[str]:
    """A sentence longer than MAX_SENTENCE_CHARS as pieces cut at spaces (so the fitter can still use it)."""
    pieces = []
    while len(sentence) > MAX_SENTENCE_CHARS:
        cut = sentence.rfind(" ", 0, MAX_SENTENCE_CHARS)
        if cut <= 0:
            cut = MAX_SENTENCE_CHARS
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    if sentence:
        pieces.append(sentence)
    return pieces


def passages(sentences: list[str]) -> list[tuple[str, ...]]:
    """Consecutive runs of at most MAX_SENTENCES sentences."""
    return [tuple(sentences[i:i + MAX_SENTENCES]) for i in range(0, len(sentences), MAX_SENTENCES)]


def long_enough(paragraph: str) -> bool:
    """Whether a paragraph is prose rather than a heading or caption."""
    return len(paragraph.split()) >= MIN_WORDS
