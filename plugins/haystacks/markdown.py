"""Markdown to plain prose for ``dir:`` sources: markup goes, text stays.

Code blocks, tables, images, HTML and front matter are dropped; links keep their text; emphasis,
bullets and quote markers are removed; every list item becomes its own paragraph. The first heading is
returned as the document's title, and headings never become background text.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_HTML = re.compile(r"<!--.*?-->|<[^>\n]+>", re.DOTALL)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)")


def markdown_to_text(source: str) -> tuple[str | None, str]:
    """(first heading or None, plain text with paragraphs separated by blank lines)."""
    lines = _HTML.sub("", source).split("\n")
    if lines and lines[0].strip() == "---":  # YAML front matter
        for end in range(1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                lines = lines[end + 1:]
                break
    title: str | None = None
    out: list[str] = []
    in_code = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_code = not in_code
            out.append("")
            continue
        if in_code:
            continue
        heading = _HEADING.match(line)
        underline = i + 1 < len(lines) and line.strip() and _SETEXT.match(lines[i + 1])
        if heading or underline:
            text = heading.group(1) if heading else line.strip()
            title = title or _inline(text)
            out.append("")
            continue
        if _SETEXT.match(line) or line.lstrip().startswith("|"):
            out.append("")
            continue
        if _BULLET.match(line):
            out.append("")
            line = _BULLET.sub("", line)
        out.append(_inline(line.lstrip("> ").rstrip()))
    return title, "\n".join(out)


def _inline(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _UNDERSCORE_EMPHASIS.sub(r"\1", text)
    return _EMPHASIS.sub("", text).strip()
