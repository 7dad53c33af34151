"""``abr/dir``: background text from a folder of ``.txt`` and ``.md`` files (``--haystack dir:PATH``).

Files are read in sorted path order, recursively, skipping hidden files and folders. Each top-level
subfolder is a genre (``essays/``, ``logs/``); files directly in the folder take the folder's name. A
Markdown file's first heading is its title, otherwise the file name is.
"""

from __future__ import annotations

import os
from pathlib import Path

from abr.errors import AbrError
from abr.plugins.haystacks.markdown import markdown_to_text
from abr.plugins.haystacks.user_text import Document, UserTextSource, build_pool, slug, title_from_name

SUFFIXES = (".txt", ".md")


def _files(root: Path) -> list[Path]:
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(folder) / n for n in names if n.endswith(SUFFIXES) and not n.startswith(".")]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def read_documents(root: Path) -> list[Document]:
    if not root.exists():
        raise AbrError(f"haystack dir:{root}: no such folder; pass a folder of .txt/.md files")
    if not root.is_dir():
        raise AbrError(f"haystack dir:{root}: not a folder; for a JSONL file use --haystack jsonl:{root}:FIELD")
    files = _files(root)
    if not files:
        raise AbrError(f"haystack dir:{root}: no .txt or .md files in the folder")
    documents = []
    for path in files:
        rel = path.relative_to(root)
        try:
            raw = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AbrError(f"haystack dir:{root}: {rel.as_posix()} is not UTF-8 (byte {exc.start}); convert it, "
                           f"e.g. iconv -t utf-8") from None
        except OSError as exc:
            raise AbrError(f"haystack dir:{root}: cannot read {rel.as_posix()}: {exc.strerror}") from None
        title, text = markdown_to_text(raw) if path.suffix == ".md" else (None, raw)
        genre = slug(rel.parts[0]) if len(rel.parts) > 1 else slug(root.resolve().name)
        documents.append(Document(genre, title or title_from_name(path.stem), text))
    return documents


class FolderHaystack(UserTextSource):
    name = "dir"
    description = "Your own .txt/.md files: --haystack dir:PATH (subfolders are genres)"
    provenance = "a folder of the user's .txt/.md files"
    usage = "dir:PATH (a folder of .txt/.md files)"

    def configure(self, argument: str) -> FolderHaystack:
        root = Path(argument).expanduser()
        source = FolderHaystack(build_pool(read_documents(root), f"haystack dir:{argument}"), argument)
        source.provenance = source.described(f"folder {argument}")
        return source
