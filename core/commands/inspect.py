"""`abr show`, `abr verify`, `abr list-skills`, `abr plugins`, `abr components`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from abr.commands.common import eprint
from abr.errors import AbrError

COMMANDS = ('show', 'verify', 'list-skills', 'plugins', 'components')


def cmd_show(args: argparse.Namespace) -> int:
    from abr.records import read_records
    from abr.show import show

    for _, record in read_records(args.path):
        if args.id is not None and record.get("id") != args.id:
            continue
        if args.index is not None and record.get("index") != args.index:
            continue
        if args.json:
            print(json.dumps(record, ensure_ascii=False, indent=2))
        else:
            show(record, full=args.full)
        return 0
    what = f"id {args.id}" if args.id is not None else f"index {args.index}" if args.index is not None else "records"
    raise AbrError(f"{args.path} has no {what}; list them with `abr show {args.path} --json | head`")


def cmd_verify(args: argparse.Namespace) -> int:
    from abr.host import get_host
    from abr.records import RecordError, scan_records
    from abr.verify import Verifier

    verifier = Verifier(get_host(), tokenizer=args.tokenizer)
    total = bad = 0
    for path in args.paths:
        for number, item in scan_records(path):
            total += 1
            if isinstance(item, RecordError):
                bad += 1
                print(str(item))
                continue
            problems = verifier.check(item)
            if problems:
                bad += 1
                print(f"{path}:{number}: {item.get('id', '?')}: {'; '.join(problems)}")
    if not args.quiet:
        eprint(f"abr: verified {total} records: {total - bad} ok, {bad} bad")
    return 1 if bad else 0


def skill_rows() -> list[dict[str, Any]]:
    from abr.host import get_host

    rows = []
    for e in get_host().registry.entries("skill"):
        rows.append({"name": e.qualified, "version": e.obj.version, "plugin": e.plugin, "dist": e.dist,
                     "dist_version": e.dist_version, "description": e.obj.description,
                     "knobs": [k.describe() for k in e.obj.knobs],
                     "defaults": {"anchor_style": e.obj.default_anchor_style,
                                  "question_bank": e.obj.default_question_bank,
                                  "interference": list(e.obj.default_interference)}})
    return rows


def _knob_text(k: dict[str, Any]) -> str:
    if "choices" in k:
        rng = "|".join(k["choices"])
    elif "range" in k:
        lo, hi = k["range"]
        rng = f"{lo}..{hi}"
    else:
        rng = k["kind"]
    default = k["default"]
    if isinstance(default, list):
        default = "-".join(str(x) for x in default)
    return f"{k['name']}={default} [{rng}]"


def cmd_list_skills(args: argparse.Namespace) -> int:
    rows = skill_rows()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="abr skills")
    for col in ("skill", "version", "from", "description", "knobs: default [range]"):
        table.add_column(escape(col), overflow="fold")
    for r in rows:
        table.add_row(r["name"], str(r["version"]), f"{r['dist']} {r['dist_version']}", escape(r["description"]),
                      escape("\n".join(_knob_text(k) for k in r["knobs"])))
    Console().print(table)
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    from abr.host import get_host

    if args.action == "doctor":
        return _doctor(args)
    reports = get_host().reports
    if args.json:
        print(json.dumps([r.as_json() for r in reports], indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    colors = {"ok": "green", "warning": "yellow", "disabled": "dim", "conflict": "red", "error": "red"}
    table = Table(title="abr plugins")
    for col in ("NAME", "DIST", "VERSION", "STATUS", "PROVIDES", "IMPORT_MS", "PROBLEM"):
        table.add_column(col, overflow="fold")
    for r in reports:
        table.add_row(escape(r.name), escape(r.dist), escape(r.version), f"[{colors[r.status]}]{r.status}[/]",
                      escape("\n".join(r.provides)), f"{r.import_ms:.1f}", escape(r.problem))
    Console().print(table)
    return 0


def _doctor(args: argparse.Namespace) -> int:
    """`abr plugins doctor`: every plugin problem on one line each; exit 1 if there is any."""
    import os

    findings, notes, reports = _doctor_findings(float(args.slow_ms), os.environ)
    if args.json:
        print(json.dumps(findings, indent=2))
    else:
        for f in findings:
            print(f"{f['plugin']} ({f['dist']} {f['version']}): {f['check']}: {f['problem']}")
    for note in notes:
        eprint(f"abr: note: {note}")
    if not args.quiet:
        disabled = sum(r.status == "disabled" for r in reports)
        skipped = f", {disabled} disabled (not checked)" if disabled else ""
        checked = len(reports) - disabled
        eprint(f"abr: plugins doctor: {checked} plugin{'' if checked == 1 else 's'} checked{skipped}; "
               f"{len(findings) or 'no'} problem{'' if len(findings) == 1 else 's'}")
    return 1 if findings else 0


def _doctor_findings(slow_ms: float, environ: Any) -> tuple[list[dict[str, str]], list[str], list[Any]]:
    """(findings, notes, reports) for the installed plugins, loaded afresh with their imports tracked;
    ABR_STRICT_PLUGINS is ignored here so that every problem can be shown."""
    import importlib.util

    from abr.host import Host, entry_point_candidates
    from abr.testing import compatibility_problem, reference_problems

    imported: dict[str, list[str]] = {}
    env = {k: v for k, v in environ.items() if k != "ABR_STRICT_PLUGINS"}
    host = Host([_tracked(c, imported) for c in entry_point_candidates()], env=env)
    by_name = {r.name: r for r in host.reports}
    findings: list[dict[str, str]] = []

    def add(report: Any, check: str, problem: str) -> None:
        findings.append({"plugin": report.name, "dist": report.dist, "version": report.version, "check": check,
                         "problem": problem})

    for r in host.reports:
        if r.status in ("warning", "error", "conflict"):
            for problem in r.problems:
                hooks = problem.startswith("unknown hook") or "is not marked with @abr.hookimpl" in problem
                add(r, "hooks" if hooks else r.status if r.status == "conflict" else "load", problem)
    for entry in host.registry:
        for problem in reference_problems(entry, host.registry):
            add(by_name[entry.plugin], "references", problem)
    notes = []
    if importlib.util.find_spec("packaging") is None:
        notes.append("version compatibility not checked: install 'packaging' to read plugins' abr requirements")
    else:
        for r in {r.dist: r for r in host.reports if r.dist != "abr"}.values():
            problem = compatibility_problem(r.dist)
            if problem:
                add(r, "compatibility", problem)
    for r in host.reports:
        if r.import_ms > slow_ms:
            heavy = imported.get(r.name, [])
            what = f"; it imports {', '.join(heavy[:6])}{' ...' if len(heavy) > 6 else ''}" if heavy else ""
            add(r, "import-time", f"importing took {r.import_ms:.0f} ms (threshold {slow_ms:.0f} ms, --slow-ms){what}: "
                                  f"import heavy libraries inside the functions that use them, so that every abr "
                                  f"command stays fast")
    order = {r.name: i for i, r in enumerate(host.reports)}
    findings.sort(key=lambda f: (order[f["plugin"]], f["dist"]))  # stable: each plugin's lines together
    return findings, notes, host.reports


def _tracked(cand: Any, imported: dict[str, list[str]]) -> Any:
    """The candidate, its load recording which top-level third-party modules importing it pulled in."""
    import sys

    import attrs

    def load() -> Any:
        before = set(sys.modules)
        try:
            return cand.load()
        finally:
            new = {m.split(".")[0] for m in set(sys.modules) - before}
            imported[cand.name] = sorted(m for m in new if not m.startswith(("abr", "_"))
                                         and m not in sys.stdlib_module_names)

    return attrs.evolve(cand, load=load)


def cmd_components(args: argparse.Namespace) -> int:
    from abr.host import get_host
    from abr.registry import KIND_LABELS

    kinds = [args.kind] if args.kind else list(KIND_LABELS)
    rows = [{"kind": e.kind, "name": e.qualified, "version": e.obj.version, "plugin": e.plugin,
             "description": e.obj.description}
            for kind in kinds for e in get_host().registry.entries(kind)]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="abr components")
    for col in ("kind", "name", "version", "plugin", "description"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(KIND_LABELS[r["kind"]], r["name"], str(r["version"]), r["plugin"], escape(r["description"]))
    Console().print(table)
    return 0


def add_parsers(sub: Any) -> None:
    s = sub.add_parser("show", help="show one sample readably")
    s.add_argument("path")
    s.add_argument("--index", type=int, help="the sample with this index (default: the first record)")
    s.add_argument("--id", help="the sample with this id")
    s.add_argument("--full", action="store_true", help="print the whole prompt, anchors highlighted")
    s.add_argument("--json", action="store_true", help="print the record as indented JSON")
    s.set_defaults(func=cmd_show)

    v = sub.add_parser("verify", help="re-derive every answer, anchor position and token count")
    v.add_argument("paths", nargs="+")
    v.add_argument("--tokenizer", help="tokenizer to re-count with (default: the one named in each record)")
    v.add_argument("-q", "--quiet", action="store_true")
    v.set_defaults(func=cmd_verify)

    ls = sub.add_parser("list-skills", help="every skill with its knobs")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list_skills)

    pl = sub.add_parser("plugins", help="installed plugins and their status; `abr plugins doctor` diagnoses them")
    pl.add_argument("action", nargs="?", choices=("doctor",), metavar="doctor",
                    help="doctor: hook names, dangling references, abr version requirements, slow imports — one "
                         "line per problem, exit 1 if any")
    pl.add_argument("--json", action="store_true")
    pl.add_argument("--slow-ms", type=float, default=300.0, metavar="MS",
                    help="doctor: an import slower than this is a problem (default 300)")
    pl.add_argument("-q", "--quiet", action="store_true", help="doctor: no summary line")
    pl.set_defaults(func=cmd_plugins)

    co = sub.add_parser("components", help="every registered component of every kind")
    from abr.registry import KIND_LABELS

    co.add_argument("--kind", choices=tuple(KIND_LABELS))
    co.add_argument("--json", action="store_true")
    co.set_defaults(func=cmd_components)
