"""Docs check (``nox -s docs``): every relative link in README.md and docs/*.md resolves, and every
``abr`` command in a ```sh block runs (in a temporary folder, with small sample counts)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
SH_BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)
HEADING = re.compile(r"^#+\s+(.*)$", re.MULTILINE)


def anchors(path: Path) -> set[str]:
    out = set()
    for title in HEADING.findall(path.read_text(encoding="utf-8")):
        slug = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        out.add(slug)
    return out


def check_links(pages: list[Path]) -> list[str]:
    problems = []
    for page in pages:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            file_part, _, anchor = target.partition("#")
            dest = (page.parent / file_part).resolve() if file_part else page
            if not dest.exists():
                problems.append(f"{page.relative_to(ROOT)}: broken link {target}")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                problems.append(f"{page.relative_to(ROOT)}: no heading #{anchor} in {file_part or page.name}")
    return problems


def commands(pages: list[Path]) -> list[tuple[Path, str]]:
    """Every ``abr ...`` command in the sh blocks, in order (``a && abr b && abr c`` gives b and c)."""
    out = []
    for page in pages:
        for block in SH_BLOCK.findall(page.read_text(encoding="utf-8")):
            joined = block.replace("\\\n", " ")
            for line in joined.splitlines():
                line = line.split("  #", 1)[0].strip()
                out += [(page, part.strip()) for part in line.split("&&") if part.strip().startswith("abr ")]
    return out


def runnable(line: str) -> list[str] | None:
    """The command made small and self-contained, or None when it needs things a checkout lacks."""
    args = shlex.split(line)
    if any(a.startswith(("/models", "path/to", "$")) or "${" in a for a in args):
        return None
    if args[1] == "generate":
        if "-n" in args:
            args[args.index("-n") + 1] = "4"
        else:
            args += ["-n", "4"]
        if "--config" in args or "--suite" in args:
            return None
    return args


def main() -> int:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    problems = check_links(pages)
    skipped_outputs: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for page, line in commands(pages):
            args = runnable(line)
            if args is None or skipped_outputs & set(shlex.split(line)):
                if "-o" in shlex.split(line):
                    skipped_outputs.add(shlex.split(line)[shlex.split(line).index("-o") + 1])
                continue
            result = subprocess.run([sys.executable, "-m", "abr.cli", *args[1:]], cwd=tmp, capture_output=True,
                                    text=True)
            if result.returncode != 0:
                last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
                problems.append(f"{page.relative_to(ROOT)}: `{line}` exited {result.returncode}: {last}")
    for p in problems:
        print(p)
    print(f"docs check: {len(pages)} pages, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
