"""``abr/hf``: background text from a Hugging Face dataset (``--haystack hf:NAME_OR_PATH[:SPLIT]:FIELD``).

A folder written by ``Dataset.save_to_disk`` is read with ``load_from_disk`` (offline); any other name
goes to ``load_dataset`` (which may download). Rows keep their order; ``FIELD`` holds the text, and
optional ``title`` and ``genre`` columns are used when present. The license comes from the dataset's
own metadata. Needs the ``hf`` extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from abr.errors import AbrError
from abr.plugins.haystacks.user_text import Document, UserTextSource, build_pool, document, slug, title_from_name


def split_argument(argument: str) -> tuple[str, str, str]:
    """(name or path, split, field) from ``NAME[:SPLIT]:FIELD``; the split defaults to ``train``."""
    parts = argument.rsplit(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[-1]:
        raise AbrError(f"haystack hf:{argument}: name the text column: --haystack hf:NAME_OR_PATH[:SPLIT]:FIELD")
    if len(parts) == 3:
        return parts[0], parts[1] or "train", parts[2]
    return parts[0], "train", parts[1]


def load_rows(name: str, split: str) -> Any:
    try:
        import datasets
    except ImportError:
        raise AbrError("haystack hf: needs the datasets package: pip install 'abr[hf]'") from None
    path = Path(name).expanduser()
    try:
        if path.exists():
            data = datasets.load_from_disk(str(path))
            if isinstance(data, datasets.DatasetDict):
                if split not in data:
                    raise AbrError(f"haystack hf:{name}: no split {split!r} (splits: {', '.join(data)})")
                data = data[split]
            return data
        return datasets.load_dataset(name, split=split)
    except AbrError:
        raise
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AbrError(f"haystack hf:{name}: cannot load the dataset ({first[:200]}); pass a folder written by "
                       f"save_to_disk or a reachable hub name") from None


def read_documents(data: Any, name: str, field: str) -> list[Document]:
    columns = list(data.column_names)
    if field not in columns:
        raise AbrError(f"haystack hf:{name}: no column {field!r} (columns: {', '.join(columns)})")
    default_genre = slug(Path(name).name)
    default_title = title_from_name(Path(name).name)
    titles = data["title"] if "title" in columns else None
    genres = data["genre"] if "genre" in columns else None
    documents = []
    for row, text in enumerate(data[field]):
        if text is None:
            continue
        if not isinstance(text, str):
            raise AbrError(f"haystack hf:{name}: row {row} of column {field!r} is {type(text).__name__}, not text")
        documents.append(document(text, titles[row] if titles is not None else None,
                                  genres[row] if genres is not None else None, f"{default_title} {row + 1}",
                                  default_genre))
    if not documents:
        raise AbrError(f"haystack hf:{name}: the dataset has no rows with text in {field!r}")
    return documents


class HfHaystack(UserTextSource):
    name = "hf"
    description = "A Hugging Face dataset column: --haystack hf:NAME_OR_PATH[:SPLIT]:FIELD (needs the hf extra)"
    provenance = "a Hugging Face dataset"
    usage = "hf:NAME_OR_PATH[:SPLIT]:FIELD"

    def configure(self, argument: str) -> HfHaystack:
        name, split, field = split_argument(argument)
        data = load_rows(name, split)
        source = HfHaystack(build_pool(read_documents(data, name, field), f"haystack hf:{argument}"), argument)
        info = getattr(data, "info", None)
        source.license = (getattr(info, "license", "") or "not stated in the dataset's metadata; see its card")
        source.provenance = source.described(f"Hugging Face dataset {name} (split {split}, column {field!r}, "
                                             f"{len(data)} rows)")
        return source
