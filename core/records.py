"""Reading and writing datasets: JSONL (one record per line) or Parquet, always via a temporary file.

An output file appears only when it is complete: writers fill ``PATH.tmp-<pid>`` and rename it over
``PATH`` at the end; on any error the temporary file is removed and nothing is left behind.
Reading reports a malformed line with its number and never executes anything it reads.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from abr.errors import AbrError, RecordError
from abr.sample import FIELDS

#: record fields stored as JSON text in Parquet (nested, free-form objects)
JSON_COLUMNS = ("knobs", "answer_rule", "program", "blueprint", "needles", "tokens", "difficulty", "interference",
                "versions", "filter")


def detect_format(path: str | Path, explicit: str | None = None) -> str:
    if explicit:
        return explicit
    return "parquet" if str(path).endswith(".parquet") else "jsonl"


class AtomicFile:
    """Write ``path`` all-or-nothing; exposes the sha256 of what was written."""

    def __init__(self, path: str | Path, binary: bool = False) -> None:
        self.path = Path(path)
        self.tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        self.binary = binary
        self._fh: IO[Any] | None = None
        self.sha256 = hashlib.sha256()

    def __enter__(self) -> AtomicFile:
        parent = self.path.parent
        if not parent.exists():
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise AbrError(f"cannot create output folder '{parent}': {exc.strerror}") from None
        try:
            self._fh = open(self.tmp, "wb")
        except OSError as exc:
            raise AbrError(f"cannot write '{self.path}': {exc.strerror}; choose another -o path") from None
        return self

    def write_line(self, line: str) -> None:
        data = (line + "\n").encode("utf-8")
        self.sha256.update(data)
        assert self._fh is not None
        self._fh.write(data)

    @property
    def handle(self) -> IO[Any]:
        assert self._fh is not None
        return self._fh

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        assert self._fh is not None
        if exc_type is None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            os.replace(self.tmp, self.path)
        else:
            self._fh.close()
            self.tmp.unlink(missing_ok=True)


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ParquetSink:
    """Streams records into a Parquet file in row groups (needs pyarrow: the ``parquet`` extra)."""

    BATCH = 256

    def __init__(self, handle: IO[Any]) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise AbrError("--format parquet needs pyarrow: pip install 'abr[parquet]'") from None
        self._pa, self._pq = pa, pq
        self._handle = handle
        self._rows: list[dict[str, Any]] = []
        self._writer: Any = None
        message = pa.struct([("role", pa.string()), ("content", pa.string())])
        types = {"seed": pa.int64(), "index": pa.int64(), "messages": pa.list_(message)}
        self.schema = pa.schema([(f, types.get(f, pa.string())) for f in FIELDS])

    def add(self, record: dict[str, Any]) -> None:
        row = {k: record.get(k) for k in self.schema.names if k not in JSON_COLUMNS}
        for c in JSON_COLUMNS:
            row[c] = json.dumps(record[c], ensure_ascii=False, separators=(",", ":")) if c in record else None
        self._rows.append(row)
        if len(self._rows) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._rows:
            return
        table = self._pa.Table.from_pylist(self._rows, schema=self.schema)
        if self._writer is None:
            self._writer = self._pq.ParquetWriter(self._handle, self.schema, compression="zstd")
        self._writer.write_table(table)
        self._rows = []

    def close(self) -> None:
        self._flush()
        if self._writer is None:
            self._writer = self._pq.ParquetWriter(self._handle, self.schema, compression="zstd")
        self._writer.close()


def read_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line or row number starting at 1, record) for every record; a malformed line raises RecordError."""
    for number, item in scan_records(path):
        if isinstance(item, RecordError):
            raise item
        yield number, item


def scan_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any] | RecordError]]:
    """Like :func:`read_records`, but a malformed line is yielded as its error and reading goes on."""
    p = Path(path)
    if not p.is_file():
        raise AbrError(f"no such dataset '{path}'; pass a .jsonl or .parquet file written by `abr generate`")
    if detect_format(p) == "parquet":
        yield from _read_parquet(p)
        return
    with open(p, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, RecordError(f"{path}:{number}: not valid JSON ({exc.msg} at column {exc.colno}); "
                                          f"regenerate the file or remove the line")
                continue
            if not isinstance(record, dict):
                yield number, RecordError(f"{path}:{number}: a record must be a JSON object, "
                                          f"got {type(record).__name__}")
                continue
            yield number, record


def _read_parquet(path: Path) -> Iterator[tuple[int, dict[str, Any] | RecordError]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise AbrError("reading Parquet needs pyarrow: pip install 'abr[parquet]'") from None
    try:
        table = pq.ParquetFile(path)
    except Exception as exc:
        raise RecordError(f"{path}: not a readable Parquet file ({exc})") from None
    number = 0
    for batch in table.iter_batches(batch_size=256):
        for row in batch.to_pylist():
            number += 1
            record: dict[str, Any] = {}
            for k in FIELDS:
                v = row.get(k)
                if v is None:
                    continue
                if k in JSON_COLUMNS:
                    try:
                        v = json.loads(v)
                    except json.JSONDecodeError:
                        yield number, RecordError(f"{path}: row {number}: column {k} is not valid JSON")
                        break
                record[k] = v
            else:
                yield number, record
