"""The run store: one SQLite file per run folder holding every response, its verdict, and judge calls.

A response's key is a hash of the model identity, the sampling parameters, the prompt's hash, the record id
and the sample number, so a run with another model or other parameters can never pick up another's
responses. Each response is committed as it arrives (WAL journal): a run killed at any point loses only
requests still in flight, and a rerun sends only what has no finished row. Records' metadata (skill,
length, depth, gold answer, needles) is kept beside the responses so reports need no dataset.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
from abr.errors import AbrError
from abr.evaluation.backend import Completion, SamplingParams, canonical_json, sha256_hex

STORE_NAME = "responses.sqlite"
SCHEMA_VERSION = 1

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, records INTEGER NOT NULL,
    added REAL NOT NULL);
CREATE TABLE IF NOT EXISTS samples (record_id TEXT PRIMARY KEY, dataset TEXT NOT NULL, skill TEXT NOT NULL,
    length INTEGER, tokens INTEGER, depth REAL, knobs TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,
    answer_type TEXT NOT NULL, answer_rule TEXT NOT NULL, needles TEXT NOT NULL, anchors TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, model TEXT NOT NULL, label TEXT NOT NULL,
    params TEXT NOT NULL, record_id TEXT NOT NULL, sample INTEGER NOT NULL, prompt_hash TEXT NOT NULL,
    text TEXT NOT NULL, reasoning TEXT NOT NULL, finish TEXT NOT NULL, error TEXT NOT NULL, prompt_tokens INTEGER,
    completion_tokens INTEGER, latency_s REAL NOT NULL, attempts INTEGER NOT NULL, extracted TEXT,
    verdict TEXT NOT NULL, note TEXT NOT NULL, scorer TEXT NOT NULL, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS responses_run ON responses (model, params);
CREATE TABLE IF NOT EXISTS judgements (key TEXT PRIMARY KEY, judge TEXT NOT NULL, verdict TEXT, reply TEXT NOT NULL,
    created REAL NOT NULL);
"""


def response_key(model: str, params: SamplingParams, prompt_hash: str, record_id: str, sample: int) -> str:
    return sha256_hex(canonical_json([model, params.as_json(), prompt_hash, record_id, sample]))


@attrs.frozen
class SampleInfo:
    """What scoring and reporting need from a record (no prompt: that stays in the dataset)."""

    record_id: str
    dataset: str
    skill: str
    length: int | None
    tokens: int | None
    depth: float | None
    knobs: Mapping[str, Any]
    question: str
    answer: str
    answer_type: str
    answer_rule: Mapping[str, Any]
    needles: tuple[Mapping[str, Any], ...]
    anchors: Mapping[str, str]

    @classmethod
    def of(cls, record: Mapping[str, Any], dataset: str) -> SampleInfo:
        knobs = record.get("knobs") or {}
        tokens = record.get("tokens") or {}
        depth = knobs.get("depth")
        return cls(record_id=str(record["id"]), dataset=dataset, skill=str(record.get("skill", "?")),
                   length=tokens.get("target", knobs.get("length")), tokens=tokens.get("count"),
                   depth=float(depth) if isinstance(depth, (int, float)) else None, knobs=knobs,
                   question=str(record.get("question", "")), answer=str(record.get("answer", "")),
                   answer_type=str(record.get("answer_type", "")), answer_rule=record.get("answer_rule") or {},
                   needles=tuple(record.get("needles") or ()),
                   anchors=(record.get("blueprint") or {}).get("anchors") or {})

    def row(self) -> tuple[Any, ...]:
        return (self.record_id, self.dataset, self.skill, self.length, self.tokens, self.depth,
                canonical_json(self.knobs), self.question, self.answer, self.answer_type,
                canonical_json(self.answer_rule), canonical_json(list(self.needles)), canonical_json(self.anchors))

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> SampleInfo:
        return cls(record_id=row["record_id"], dataset=row["dataset"], skill=row["skill"], length=row["length"],
                   tokens=row["tokens"], depth=row["depth"], knobs=json.loads(row["knobs"]),
                   question=row["question"], answer=row["answer"], answer_type=row["answer_type"],
                   answer_rule=json.loads(row["answer_rule"]), needles=tuple(json.loads(row["needles"])),
                   anchors=json.loads(row["anchors"]))


@attrs.frozen
class Scored:
    """A verdict with the answer it was given for."""

    verdict: str
    extracted: str | None = None
    note: str = ""
    scorer: str = ""


def store_path(run: str | Path) -> Path:
    """A run folder or the SQLite file itself to the SQLite file."""
    p = Path(run)
    return p if p.suffix in (".sqlite", ".sqlite3", ".db") else p / STORE_NAME


class Store:
    """The SQLite file of one run folder. Not shared between threads; one per process."""

    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise AbrError(f"no evaluation run at '{path}': pass a folder written by `abr eval -o RUN_DIR`")
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise AbrError(f"cannot create run folder '{self.path.parent}': {exc.strerror}") from None
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=60.0)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_TABLES)
            found = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise AbrError(f"'{self.path}' is not a readable abr run store ({exc}); use a fresh -o folder") from None
        if found is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(found[0]) != SCHEMA_VERSION:
            raise AbrError(f"'{self.path}' was written by another abr version (store schema {found[0]}, this abr "
                           f"reads {SCHEMA_VERSION}); use a fresh -o folder")

    def close(self) -> None:
        self.db.close()

    # -- datasets and samples -----------------------------------------------------------------------------
    def add_dataset(self, path: str, sha256: str, records: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO datasets VALUES (?, ?, ?, ?)", (path, sha256, records, time.time()))

    def datasets(self) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM datasets ORDER BY path"))

    def add_samples(self, infos: Iterable[SampleInfo]) -> None:
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO samples VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                (i.row() for i in infos))

    def samples(self) -> dict[str, SampleInfo]:
        return {r["record_id"]: SampleInfo.from_row(r) for r in self.db.execute("SELECT * FROM samples")}

    # -- responses ----------------------------------------------------------------------------------------
    def finished(self, model: str, params: SamplingParams) -> dict[str, str]:
        """Key -> scorer label of every response that needs no new request (everything but errors)."""
        rows = self.db.execute("SELECT key, scorer FROM responses WHERE model=? AND params=? AND finish!='error'",
                               (model, canonical_json(params.as_json())))
        return {r[0]: r[1] for r in rows}

    def put(self, key: str, model: str, label: str, params: SamplingParams, record_id: str, sample: int,
            prompt_hash: str, completion: Completion, scored: Scored) -> None:
        c = completion
        self.db.execute(
            "INSERT OR REPLACE INTO responses VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (key, model, label, canonical_json(params.as_json()), record_id, sample, prompt_hash, c.text, c.reasoning,
             c.finish, c.error, c.prompt_tokens, c.completion_tokens, c.latency_s, c.attempts, scored.extracted,
             scored.verdict, scored.note, scored.scorer, time.time()))

    def relabel(self, model: str, params: SamplingParams, label: str) -> None:
        """Name every response of a run as its latest ``abr eval`` did (``--label``)."""
        self.db.execute("UPDATE responses SET label=? WHERE model=? AND params=? AND label!=?",
                        (label, model, canonical_json(params.as_json()), label))

    def rescore(self, key: str, scored: Scored) -> None:
        self.db.execute("UPDATE responses SET extracted=?, verdict=?, note=?, scorer=? WHERE key=?",
                        (scored.extracted, scored.verdict, scored.note, scored.scorer, key))

    def responses(self, model: str | None = None, params: str | None = None) -> Iterator[sqlite3.Row]:
        """Responses (of one run, if given) in record order."""
        query = "SELECT * FROM responses"
        args: tuple[Any, ...] = ()
        if model is not None:
            query += " WHERE model=? AND params=?"
            args = (model, params)
        yield from self.db.execute(query + " ORDER BY record_id, sample", args)

    def runs(self) -> list[tuple[str, str, str]]:
        """(model identity, parameters JSON, latest label) of every run this store holds."""
        rows = self.db.execute("SELECT model, params, label, MAX(created) FROM responses GROUP BY model, params "
                               "ORDER BY MIN(created)")
        return [(r[0], r[1], r[2]) for r in rows]

    # -- judge cache ----------------------------------------------------------------------------------------
    def judgement(self, key: str) -> tuple[str | None, str] | None:
        row = self.db.execute("SELECT verdict, reply FROM judgements WHERE key=?", (key,)).fetchone()
        return None if row is None else (row[0], row[1])

    def put_judgement(self, key: str, judge: str, verdict: str | None, reply: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO judgements VALUES (?, ?, ?, ?, ?)",
                        (key, judge, verdict, reply, time.time()))

    # -------------------------------------------------------------------------------------------------------
    def _transaction(self) -> Any:
        db = self.db

        class _Tx:
            def __enter__(self) -> None:
                db.execute("BEGIN")

            def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
                db.execute("COMMIT" if exc_type is None else "ROLLBACK")

        return _Tx()
