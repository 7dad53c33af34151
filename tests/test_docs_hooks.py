"""docs/plugins.md stays true to the code: its hook reference lists exactly the hookspecs, in the order the host
calls them, with their signatures and the base class each registers; its ComposeContext table names real
attributes with their real parameters."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from abr import hookspecs
from abr.blueprint import ComposeContext
from abr.components import KINDS

DOC = (Path(__file__).resolve().parents[1] / "docs" / "plugins.md").read_text(encoding="utf-8")
CALL = re.compile(r"^`(\w+)\(([^)]*)\)`$")


def table(heading: str) -> list[list[str]]:
    """The rows (cells stripped) of the first table after a heading."""
    section = DOC.split(heading, 1)[1]
    rows = [line for line in section.split("\n\n| ", 1)[1].splitlines()]
    rows = ["| " + rows[0], *rows[1:]]
    body = []
    for line in rows:
        if not line.startswith("|"):
            break
        body.append([c.strip() for c in line.strip().strip("|").split("|")])
    return body[2:]  # after the header and the rule


def params(text: str) -> list[str]:
    return [p.split("=")[0].strip() for p in text.split(",") if p.strip()]


def test_hook_reference_matches_the_hookspecs() -> None:
    rows = table("## Hooks")
    documented = []
    for hook_cell, registers, _ in rows:
        m = CALL.match(hook_cell)
        assert m, f"hook cell {hook_cell!r} is not `name(args)`"
        name, args = m.group(1), params(m.group(2))
        documented.append(name)
        spec = getattr(hookspecs, name, None)
        assert spec is not None, f"docs/plugins.md documents {name}, which is not a hook"
        assert args == list(inspect.signature(spec).parameters), f"{name}: documented ({', '.join(args)})"
        base = KINDS[hookspecs.HOOKS[name]]
        assert registers.startswith(f"`{base.__name__}` (`{base.__module__}`)"), f"{name} registers {base}"
    assert documented == list(hookspecs.HOOKS)


def test_compose_context_table_names_real_members() -> None:
    fields = {a.name for a in ComposeContext.__attrs_attrs__}  # type: ignore[attr-defined]
    for cell, _ in table("### What a skill gets"):
        for item in re.findall(r"`([^`]+)`", cell):
            m = re.match(r"^(\w+)\((.*)\)$", item)
            if m is None:
                assert item in fields, f"ComposeContext has no attribute {item!r}"
                continue
            method = getattr(ComposeContext, m.group(1), None)
            assert callable(method), f"ComposeContext has no method {m.group(1)!r}"
            real = [p for p in inspect.signature(method).parameters if p != "self"]
            assert params(m.group(2)) == real, f"{m.group(1)}: documented ({m.group(2)}), real ({', '.join(real)})"
