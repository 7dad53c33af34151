"""Haystack sources: the procedural genres (deterministic, varied, guarded over the whole pool), the text
guard, sentence splitting and Markdown cleaning, and the dir/jsonl/hf sources on files the tests write."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from abr.errors import AbrError
from abr.generate import resolve_haystack
from abr.host import Host
from abr.plugins.haystacks.folder import FolderHaystack
from abr.plugins.haystacks.guard import TextGuard
from abr.plugins.haystacks.hf import HfHaystack
from abr.plugins.haystacks.jsonl import JsonlHaystack
from abr.plugins.haystacks.markdown import markdown_to_text
from abr.plugins.haystacks.procedural import LAST_YEAR, ProceduralHaystack
from abr.plugins.haystacks.sentences import split_sentences
from abr.rng import Rng
from helpers import generate, records

PAPER_GENRES = {"financial-report", "historical-essay", "technical-log", "medical-qa", "ecommerce-report",
                "environmental-report", "biography", "programming-qa", "game-design-manual", "stock-market-report",
                "electricity-report", "survey-analysis"}


def test_procedural_covers_the_papers_genres_with_provenance() -> None:
    src = ProceduralHaystack()
    assert set(src.genres()) == PAPER_GENRES
    assert src.license and "corpora/genres" in src.provenance


def test_procedural_whole_pool_is_guarded_deterministic_and_well_formed() -> None:
    a, b = ProceduralHaystack(), ProceduralHaystack()
    guard = TextGuard()
    year = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
    for genre in a.genres():
        assert a.pool_size(genre) == 4096
        for i in [*range(0, 4096, 4), 4095]:
            p = a.passage(genre, i)
            if i % 97 == 0:
                assert p == b.passage(genre, i)
            assert 2 <= len(p.sentences) <= 7
            for s in p.sentences:
                assert guard.problem(s) is None, (genre, i, s)
                assert s[0].isupper() and s.endswith(".") and "{" not in s and s.isascii()
                assert all(int(y) <= LAST_YEAR for y in year.findall(s)), s
        for k in range(50):
            title = a.title(genre, Rng("title", genre, k))
            assert guard.problem(title) is None and title == b.title(genre, Rng("title", genre, k))


def test_procedural_text_varies() -> None:
    src = ProceduralHaystack()
    for genre in src.genres():
        texts = [" ".join(src.passage(genre, i).sentences) for i in range(300)]
        assert len(set(texts)) == 300
        words = {w for t in texts for w in t.split()}
        assert len(words) > 800, genre


@pytest.mark.parametrize(("sentence", "problem"), [
    ("Revenue rose 12.5% in the third quarter.", None),
    ("The team met in Lake Robert on March 3, 2021.", None),
    ("The code OSXVANVP appeared in the log.", "looks like an anchor ('OSXVANVP')"),
    ("Event 1760536321726-5em0 was recorded.", "looks like an anchor"),
    ("See [ID: B-292] for details.", "looks like an anchor"),
    ("Key 3f2b8c1e-9d4a-4b7e-a1c2-5e6f7a8b9c0d was rotated.", "looks like an anchor"),
    ("The digest 9f3ac07be41d52a8 matched.", "looks like an anchor"),
    ("We named it amber_falcon.", "looks like an anchor"),
    ("The token h6qKmUOmz2m expired.", "looks like an anchor"),
    ("Numbers like 20201231 and words like deadbeef are fine.", None),
    ("What is 3 + 4?", "looks like a question"),
    ("Question: how many were sold.", "starts like a question or answer label"),
    ("Answer: 42.", "starts like a question or answer label"),
    ("A note on the <document index=\"1\"> tag.", "holds a document marker"),
])
def test_guard(sentence: str, problem: str | None) -> None:
    got = TextGuard().problem(sentence)
    assert (got is None) if problem is None else (got is not None and got.startswith(problem)), got


def test_sentence_splitting_keeps_abbreviations_and_initials() -> None:
    text = ('Dr. Smith met J. R. Tolkien in 1937. He said "Hello." Then he left! The U.S. economy grew 3.5% '
            'in Q2. It was e.g. modest.')
    assert split_sentences(text) == ["Dr. Smith met J. R. Tolkien in 1937.", 'He said "Hello."', "Then he left!",
                                     "The U.S. economy grew 3.5% in Q2.", "It was e.g. modest."]
    long = " ".join(["word"] * 300) + "."
    pieces = split_sentences(long)
    assert len(pieces) > 1 and all(len(p) <= 400 for p in pieces) and " ".join(pieces) == long


def test_markdown_becomes_prose() -> None:
    md = ("---\ntitle: x\n---\n# The Annual Report\n\nSome **bold** text with a [link](http://x) and `code`.\n\n"
          "```python\nprint('hi')\n```\n\n- first item\n- second item\n\n| a | b |\n|---|---|\n\n"
          "> A _quoted_ line with snake_case kept.\n")
    title, text = markdown_to_text(md)
    assert title == "The Annual Report"
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    assert paragraphs == ["Some bold text with a link and code.", "first item", "second item",
                          "A quoted line with snake_case kept."]


# ---------------------------------------------------------------------------------------------------------
# User text sources

ESSAY = ("The harbor town grew slowly during the eighteenth century. Its merchants traded timber and salt "
         "along the coast. Records from the period are incomplete but suggestive.")
LOG = ("The nightly backup finished at four in the morning without errors. Disk usage on the primary volume "
       "stayed below the warning threshold. No alerts were raised during the window.")


def write_folder(root: Path) -> Path:
    (root / "essays").mkdir(parents=True)
    (root / "logs").mkdir()
    (root / ".hidden").mkdir()
    (root / "essays" / "harbor_towns.txt").write_text(ESSAY + "\n\n" + "Too short.\n", encoding="utf-8")
    (root / "essays" / "notes.md").write_text("# Salt and Timber\n\n" + ESSAY.replace("harbor", "river") +
                                              " What did they trade? The anchor OSXVANVP was here.\n",
                                              encoding="utf-8")
    (root / "logs" / "backup-2024.txt").write_text(LOG + "\r\n\r\n" + LOG.replace("nightly", "weekly"),
                                                   encoding="utf-8")
    (root / "top.txt").write_text(LOG.replace("backup", "audit"), encoding="utf-8")
    (root / "ignored.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (root / ".hidden" / "secret.txt").write_text(ESSAY, encoding="utf-8")
    return root


def test_dir_source_reads_genres_titles_and_guards(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "corpus")
    src = FolderHaystack().configure(str(root))
    assert list(src.genres()) == ["essays", "logs", "corpus"]
    assert sorted(src.pool.titles["essays"]) == ["Harbor Towns", "Salt and Timber"]
    assert src.pool.titles["logs"] == ("Backup 2024",)
    essays = [src.passage("essays", i).sentences for i in range(src.pool_size("essays"))]
    assert essays[0] == tuple(split_sentences(ESSAY))
    assert essays[1] == tuple(split_sentences(ESSAY.replace("harbor", "river")))  # question and anchor dropped
    assert src.pool.dropped == 2
    assert src.pool_size("logs") == 2 and src.pool_size("corpus") == 1
    assert "content sha256" in src.provenance and src.license
    again = FolderHaystack().configure(str(root))
    assert again.pool == src.pool
    assert src.title("essays", Rng("t", 1)) == again.title("essays", Rng("t", 1))


def test_dir_source_order_does_not_depend_on_creation_order(tmp_path: Path) -> None:
    for name, order in (("a", ["x.txt", "y.txt"]), ("b", ["y.txt", "x.txt"])):
        root = tmp_path / name / "folder"
        root.mkdir(parents=True)
        for f in order:
            (root / f).write_text(f"{f} holds a sentence of background text here.", encoding="utf-8")
    a = FolderHaystack().configure(str(tmp_path / "a" / "folder"))
    b = FolderHaystack().configure(str(tmp_path / "b" / "folder"))
    assert a.pool == b.pool


def test_dir_source_errors(tmp_path: Path) -> None:
    with pytest.raises(AbrError, match=r"haystack dir:.*missing: no such folder"):
        FolderHaystack().configure(str(tmp_path / "missing"))
    (tmp_path / "file.txt").write_text(ESSAY)
    with pytest.raises(AbrError, match=r"not a folder; for a JSONL file use --haystack jsonl:"):
        FolderHaystack().configure(str(tmp_path / "file.txt"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(AbrError, match=r"no \.txt or \.md files in the folder"):
        FolderHaystack().configure(str(tmp_path / "empty"))
    (tmp_path / "latin").mkdir()
    (tmp_path / "latin" / "old.txt").write_bytes("Caf\xe9 au lait is served here every day.".encode("latin-1"))
    with pytest.raises(AbrError, match=r"old\.txt is not UTF-8 \(byte 3\)"):
        FolderHaystack().configure(str(tmp_path / "latin"))
    (tmp_path / "unsafe").mkdir()
    (tmp_path / "unsafe" / "q.txt").write_text("Is this all questions? Really all of them?\n\nShort.")
    with pytest.raises(AbrError, match=r"no usable background text \(2 sentences looked like anchors or questions"):
        FolderHaystack().configure(str(tmp_path / "unsafe"))
    with pytest.raises(AbrError, match=r"haystack source 'dir' needs an argument: --haystack dir:PATH"):
        FolderHaystack().genres()


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_source(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "web_pages.jsonl", [
        {"body": ESSAY, "title": "Harbor", "genre": "History Notes"},
        "",
        {"body": LOG},
    ])
    src = JsonlHaystack().configure(f"{path}:body")
    assert list(src.genres()) == ["history-notes", "web-pages"]
    assert src.pool.titles["web-pages"] == ("Web Pages 3",)
    assert src.passage("web-pages", 0).sentences == tuple(split_sentences(LOG))
    default = write_jsonl(tmp_path / "plain.jsonl", [{"text": ESSAY}])
    assert JsonlHaystack().configure(str(default)).pool_size("plain") == 1


@pytest.mark.parametrize(("rows", "argument", "message"), [
    ([{"text": ESSAY}, "{not json"], "{p}:text", r"bad\.jsonl:2: not valid JSON"),
    ([{"text": ESSAY}, {"body": LOG}], "{p}:text", r"bad\.jsonl:2: no field 'text' \(fields: body\)"),
    ([[1, 2]], "{p}:text", r"bad\.jsonl:1: expected a JSON object, got list"),
    ([{"text": 5}], "{p}:text", r"bad\.jsonl:1: field 'text' is int, not a string"),
    (["", "  "], "{p}:text", r"the file has no records"),
    ([{"text": ESSAY}], "{p}:", r"the field name after ':' is empty"),
])
def test_jsonl_source_errors(tmp_path: Path, rows: list[object], argument: str, message: str) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(AbrError, match=message):
        JsonlHaystack().configure(argument.format(p=path))


def test_jsonl_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AbrError, match=r"haystack jsonl:.*nope\.jsonl: no such file"):
        JsonlHaystack().configure(f"{tmp_path / 'nope.jsonl'}:text")


def test_hf_source_on_a_dataset_saved_to_disk(tmp_path: Path) -> None:
    import datasets

    rows = {"content": [ESSAY, None, LOG], "title": ["Harbor", "Empty", "Backup"]}
    info = datasets.DatasetInfo(license="cc-by-4.0")
    datasets.Dataset.from_dict(rows, info=info).save_to_disk(str(tmp_path / "news"))
    src = HfHaystack().configure(f"{tmp_path / 'news'}:content")
    assert list(src.genres()) == ["news"]
    assert src.pool.titles["news"] == ("Harbor", "Backup")
    assert src.passage("news", 1).sentences == tuple(split_sentences(LOG))
    assert src.license == "cc-by-4.0" and "3 rows" in src.provenance
    splits = datasets.DatasetDict({"train": datasets.Dataset.from_dict({"text": [ESSAY]}),
                                   "test": datasets.Dataset.from_dict({"text": [LOG]})})
    splits.save_to_disk(str(tmp_path / "dd"))
    test_split = HfHaystack().configure(f"{tmp_path / 'dd'}:test:text")
    assert test_split.passage("dd", 0).sentences == tuple(split_sentences(LOG))
    with pytest.raises(AbrError, match=r"no split 'dev' \(splits: train, test\)"):
        HfHaystack().configure(f"{tmp_path / 'dd'}:dev:text")
    with pytest.raises(AbrError, match=r"no column 'body' \(columns: content, title\)"):
        HfHaystack().configure(f"{tmp_path / 'news'}:body")
    with pytest.raises(AbrError, match=r"name the text column: --haystack hf:NAME_OR_PATH\[:SPLIT\]:FIELD"):
        HfHaystack().configure(str(tmp_path / "news"))


def test_haystack_argument_reaches_the_source(tmp_path: Path, host: Host) -> None:
    root = write_folder(tmp_path / "corpus")
    entry, src = resolve_haystack(f"dir:{root}", host)
    assert entry.qualified == "abr/dir" and list(src.genres()) == ["essays", "logs", "corpus"]
    with pytest.raises(AbrError, match="haystack source 'procedural' takes no argument"):
        resolve_haystack("procedural:x", host)


def test_generate_and_verify_with_a_user_folder(tmp_path: Path) -> None:
    from abr.cli import main

    root = tmp_path / "texts"
    root.mkdir()
    src = ProceduralHaystack()
    for genre in sorted(src.genres())[:3]:
        paragraphs = [" ".join(src.passage(genre, i).sentences) for i in range(40)]
        (root / f"{genre}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    data = generate(out, "-n", "3", "--length", "1500", "--seed", "3", "--haystack", f"dir:{root}")
    assert generate(tmp_path / "again.jsonl", "-n", "3", "--length", "1500", "--seed", "3", "--haystack",
                    f"dir:{root}") == data
    recs = records(out)
    assert all(doc["genre"] == "texts" for r in recs for doc in r["blueprint"]["documents"])
    assert main(["verify", str(out)]) == 0
