"""Docs check (``nox -s docs``): every relative link in README.md and docs/*.md resolves, and every example in
them runs, in page order, in a temporary folder with small sample counts:

- each ``abr`` command in a ```sh block (``a && abr b`` runs b), unless it needs what a checkout lacks
  (a model folder, a cluster variable, a config or suite at full size);
- ``pip install [-e] ./PATH`` of a folder an earlier command made: installed offline into a per-page target
  folder that the page's later commands see on PYTHONPATH (the environment is never modified);
- ``python -m pytest PATH`` with that PYTHONPATH;
- a ```python block whose first line is ``# some/path.py`` is written to that path (a tutorial's edit), and
  the packages the page installed are installed again so the edit takes effect.

``python docs/check_docs.py docs/plugin-tutorial.md`` checks the given pages only.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)
FILE_HEADER = re.compile(r"^# ([\w.-]+(?:/[\w.-]+)+\.py)\n")
HEADING = re.compile(r"^#+\s+(.*)$", re.MULTILINE)
RUNS = ("abr ", "pip install ", "python -m pytest")


def shown(page: Path) -> str:
    """A page's name in problem lines: relative to the checkout when it is inside it."""
    return str(page.relative_to(ROOT)) if ROOT in page.parents else str(page)


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
                problems.append(f"{shown(page)}: broken link {target}")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                problems.append(f"{shown(page)}: no heading #{anchor} in {file_part or page.name}")
    return problems


def steps(page: Path) -> Iterator[tuple[str, str, str]]:
    """("run", command, "") for every command the check runs and ("file", path, text) for every file a page
    writes, in page order."""
    for lang, body in BLOCK.findall(page.read_text(encoding="utf-8")):
        if lang == "python":
            header = FILE_HEADER.match(body)
            if header:
                yield "file", header.group(1), body
            continue
        if lang != "sh":
            continue
        for line in body.replace("\\\n", " ").splitlines():
            line = line.split("  #", 1)[0].strip()
            for part in line.split("&&"):
                if part.strip().startswith(RUNS):
                    yield "run", part.strip(), ""


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


class Page:
    """One page's run: its commands share the temporary folder and see what its pip lines installed."""

    def __init__(self, page: Path, tmp: Path) -> None:
        self.page = page
        self.tmp = tmp
        self.site = tmp / f".site-{page.stem}"
        self.installed: list[Path] = []
        self.skipped_outputs: set[str] = set()
        self.problems: list[str] = []

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ABR_")}
        if self.installed:
            env["PYTHONPATH"] = str(self.site)
        return env

    def fail(self, line: str, result: subprocess.CompletedProcess[str], output: str | None = None) -> None:
        """One problem line: the command, its exit status and the last line it printed."""
        text = (output if output is not None else result.stderr.strip() or result.stdout.strip()).splitlines()
        self.problems.append(f"{shown(self.page)}: `{line}` exited {result.returncode}: "
                             f"{text[-1] if text else ''}")

    def run(self, line: str) -> None:
        if line.startswith("abr "):
            self.abr(line)
        elif line.startswith("pip install "):
            self.pip(line)
        else:
            self.pytest(line)

    def abr(self, line: str) -> None:
        args = runnable(line)
        words = shlex.split(line)
        if args is None or self.skipped_outputs & set(words):
            if "-o" in words:
                self.skipped_outputs.add(words[words.index("-o") + 1])
            return
        result = subprocess.run([sys.executable, "-m", "abr.cli", *args[1:]], cwd=self.tmp, env=self.env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            self.fail(line, result)

    def pytest(self, line: str) -> None:
        """The tests of a folder the page made; the repository's own suite (no such folder) is not run here."""
        words = shlex.split(line)
        if not any((self.tmp / w).exists() for w in words[3:] if not w.startswith("-")):
            return
        result = subprocess.run([sys.executable, *words[1:], "-p", "no:cacheprovider"], cwd=self.tmp, env=self.env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            self.fail(line, result, result.stdout.strip())  # pytest's summary is its last line on stdout

    def pip(self, line: str) -> None:
        """A local folder an earlier command made is installed into the page's site; anything else (the
        checkout itself, a package from an index) is left to the reader."""
        paths = [re.sub(r"\[.*\]$", "", a) for a in shlex.split(line)[2:] if not a.startswith("-")]
        local = [self.tmp / p for p in paths if p.startswith("./") and (self.tmp / p).is_dir()]
        for folder in local:
            if self.install(folder, line):
                self.installed.append(folder.resolve())

    def install(self, folder: Path, line: str) -> bool:
        shutil.rmtree(folder / "build", ignore_errors=True)
        result = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                                 "--no-deps", "--no-build-isolation", "--no-index", "--upgrade", "--target",
                                 str(self.site), str(folder)], capture_output=True, text=True)
        if result.returncode != 0:
            self.fail(line, result)
        return result.returncode == 0

    def write(self, relative: str, text: str) -> None:
        path = (self.tmp / relative).resolve()
        if self.tmp.resolve() not in path.parents:
            self.problems.append(f"{shown(self.page)}: a file block writes outside the folder: {relative}")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        for folder in self.installed:
            if folder in path.parents:
                self.install(folder, f"(reinstall after writing {relative})")


def check_examples(pages: list[Path], tmp: Path) -> list[str]:
    problems = []
    for page in pages:
        state = Page(page, tmp)
        for kind, what, text in steps(page):
            if kind == "file":
                state.write(what, text)
            else:
                state.run(what)
        problems += state.problems
    return problems


def main(argv: list[str] | None = None) -> int:
    chosen = [Path(a).resolve() for a in (sys.argv[1:] if argv is None else argv)]
    pages = chosen or [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    problems = check_links(pages)
    with tempfile.TemporaryDirectory() as tmp:
        problems += check_examples(pages, Path(tmp))
    for p in problems:
        print(p)
    print(f"docs check: {len(pages)} pages, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
