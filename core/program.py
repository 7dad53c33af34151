"""Answer programs: the paper's "answer as an executable expression", as JSON data with a tiny interpreter.

A program is a JSON array ``[op, arg, ...]``; strings and numbers are literals (anchor ids such as
``"anc4"``, document ids such as ``"doc1"``, places for rounding). It is evaluated against a blueprint
dict — the same one stored in every record — so any record's gold answer can be recomputed from the
record alone. Nothing here ever calls ``eval``: unknown operators, wrong arities, oversized or too-deep
programs are rejected before evaluation.

Example (paper §2.2)::

    ["solve", ["Q", "anc4", ["only", ["intersect", ["docs", "anc5"], ["docs", "anc3"]]]]]
    solve(Q(anc4, in_doc(docs(anc5) ∩ docs(anc3))))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

import attrs
from abr.errors import ProgramError

MAX_NODES = 10_000
MAX_DEPTH = 64
_PRECISION = 60

Value = Any


@attrs.frozen
class PairRef:
    """One anchor–question occurrence: the ``k``-th pair of document ``doc``."""

    doc: str
    index: int
    anchor: str


@attrs.frozen
class AssembledRef:
    """A problem assembled from all fragments that share one anchor (multi-source)."""

    anchor: str


class Blueprint:
    """Read-only indexes over a record's blueprint dict, built once per evaluation."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        try:
            self.anchors: Mapping[str, str] = data["anchors"]
            self.documents: list[Mapping[str, Any]] = list(data["documents"])
            self.assembled: Mapping[str, Mapping[str, Any]] = data.get("assembled", {})
            self.doc_ids = [d["id"] for d in self.documents]
            self.titles = {d["id"]: d.get("title", "") for d in self.documents}
            self.pairs_by_doc = {d["id"]: list(d["pairs"]) for d in self.documents}
        except (KeyError, TypeError) as exc:
            raise ProgramError(f"blueprint is malformed: missing or wrong field {exc}") from None

    def pair(self, ref: PairRef) -> Mapping[str, Any]:
        return self.pairs_by_doc[ref.doc][ref.index]

    def occurrences(self, anchor: str) -> list[PairRef]:
        return [
            PairRef(doc_id, i, anchor)
            for doc_id in self.doc_ids
            for i, p in enumerate(self.pairs_by_doc[doc_id])
            if p["anchor"] == anchor
        ]


def parse_value(text: str, answer_type: str) -> Value:
    """A typed value from an answer string: integers exactly, decimals as Decimal, the rest as text."""
    if answer_type == "integer":
        try:
            return int(text)
        except ValueError:
            raise ProgramError(f"answer {text!r} is not an integer") from None
    if answer_type == "decimal":
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ProgramError(f"answer {text!r} is not a decimal number") from None
    return text


def format_value(value: Value) -> str:
    """The canonical answer string of a value: integers plainly, decimals without exponent or trailing zeros."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, list):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, (PairRef, AssembledRef)):
        raise ProgramError("program returns a question, not an answer: wrap it in solve(...)")
    return str(value)


def value_type(value: Value) -> str:
    if isinstance(value, bool):
        return "string"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, Decimal):
        return "integer" if value == value.to_integral_value() else "decimal"
    if isinstance(value, list):
        return "list"
    return "string"


# ---------------------------------------------------------------------------------------------------------
# Operators

_Op = Callable[["_Eval", list[Any]], Value]


@attrs.frozen
class OpSpec:
    """An operator: its arity bounds, evaluator, and how it prints in paper notation."""

    min_args: int
    max_args: int | None
    lazy: bool = False  # receives unevaluated args (binders, if)


class _Eval:
    def __init__(self, bp: Blueprint) -> None:
        self.bp = bp
        self.scope: dict[str, Value] = {}

    def run(self, node: Any) -> Value:
        if isinstance(node, bool):
            return node
        if isinstance(node, (int, str)):
            return node
        if isinstance(node, float):
            return Decimal(repr(node))
        op = node[0]
        spec = OPS[op]
        args = node[1:]
        if not spec.lazy:
            args = [self.run(a) for a in args]
        return _IMPL[op](self, args)


def _as_list(v: Value, op: str) -> list[Value]:
    if not isinstance(v, list):
        shown = v if isinstance(v, (PairRef, AssembledRef)) else format_value(v)
        raise ProgramError(f"{op}: expected a list, got {shown}")
    return v


def _num(v: Value, op: str) -> int | Decimal:
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        raise ProgramError(f"{op}: expected a number, got {v!r}")
    return v


def _unique(items: Sequence[Value]) -> list[Value]:
    seen: list[Value] = []
    for x in items:
        if x not in seen:
            seen.append(x)
    return seen


def _normalize(v: int | Decimal) -> int | Decimal:
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return int(v)
    return v


def _arith(fn: Callable[[Decimal, Decimal], Decimal]) -> Callable[[_Eval, list[Any]], Value]:
    def impl(ev: _Eval, args: list[Any]) -> Value:
        a, b = (_num(x, "arithmetic") for x in args)
        if isinstance(a, int) and isinstance(b, int) and fn is not _div:
            return int(fn(Decimal(a), Decimal(b)))
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            return _normalize(fn(Decimal(a), Decimal(b)))

    return impl


def _div(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise ProgramError("div: division by zero")
    return a / b


def _docs(ev: _Eval, args: list[Any]) -> Value:
    anchor = args[0]
    _known_anchor(ev, anchor)
    return _unique([r.doc for r in ev.bp.occurrences(anchor)])


def _known_anchor(ev: _Eval, anchor: Value) -> None:
    if anchor not in ev.bp.anchors:
        raise ProgramError(f"unknown anchor id {anchor!r}")


def _known_doc(ev: _Eval, doc: Value) -> None:
    if doc not in ev.bp.pairs_by_doc:
        raise ProgramError(f"unknown document id {doc!r}")


def _count_occurrences(ev: _Eval, anchor: Value) -> int:
    _known_anchor(ev, anchor)
    return len(ev.bp.occurrences(anchor))


def _anchors(ev: _Eval, args: list[Any]) -> Value:
    _known_doc(ev, args[0])
    return [p["anchor"] for p in ev.bp.pairs_by_doc[args[0]]]


def _q(ev: _Eval, args: list[Any]) -> Value:
    anchor = args[0]
    _known_anchor(ev, anchor)
    refs = ev.bp.occurrences(anchor)
    if len(args) == 2:
        _known_doc(ev, args[1])
        refs = [r for r in refs if r.doc == args[1]]
    if len(refs) != 1:
        where = f" in {args[1]}" if len(args) == 2 else ""
        raise ProgramError(f"Q({anchor}{where}) is ambiguous: {len(refs)} occurrences, expected exactly 1")
    return refs[0]


def _solve(ev: _Eval, args: list[Any]) -> Value:
    ref = args[0]
    if isinstance(ref, PairRef):
        pair = ev.bp.pair(ref)
        if "answer" not in pair:
            raise ProgramError(f"the question of {ref.anchor} in {ref.doc} has no answer of its own")
        return parse_value(str(pair["answer"]), pair.get("answer_type", "string"))
    if isinstance(ref, AssembledRef):
        entry = ev.bp.assembled.get(ref.anchor)
        if entry is None:
            raise ProgramError(f"no assembled problem for anchor {ref.anchor!r}")
        return parse_value(str(entry["answer"]), entry.get("answer_type", "string"))
    raise ProgramError(f"solve: expected a question, got {ref!r}")


def _assemble(ev: _Eval, args: list[Any]) -> Value:
    _known_anchor(ev, args[0])
    if not ev.bp.occurrences(args[0]):
        raise ProgramError(f"assemble: anchor {args[0]!r} occurs nowhere")
    return AssembledRef(args[0])


def _only(ev: _Eval, args: list[Any]) -> Value:
    items = _as_list(args[0], "only")
    if len(items) != 1:
        raise ProgramError(f"only: expected exactly one element, got {len(items)}: {items}")
    return items[0]


def _nth(ev: _Eval, args: list[Any]) -> Value:
    items = _as_list(args[0], "nth")
    i = args[1]
    if not isinstance(i, int) or isinstance(i, bool) or not -len(items) <= i < len(items):
        raise ProgramError(f"nth: index {i!r} out of range for {len(items)} elements")
    return items[i]


def _neighbour(offset: int) -> Callable[[_Eval, list[Any]], Value]:
    def impl(ev: _Eval, args: list[Any]) -> Value:
        x, items = args[0], _as_list(args[1], "before/after")
        if x not in items:
            raise ProgramError(f"{x!r} is not in the list")
        j = items.index(x) + offset
        if not 0 <= j < len(items):
            raise ProgramError(f"no element {'before' if offset < 0 else 'after'} {x!r}")
        return items[j]

    return impl


def _set_op(kind: str) -> Callable[[_Eval, list[Any]], Value]:
    def impl(ev: _Eval, args: list[Any]) -> Value:
        lists = [_as_list(a, kind) for a in args]
        if kind == "union":
            return _unique([x for lst in lists for x in lst])
        if kind == "intersect":
            return _unique([x for x in lists[0] if all(x in other for other in lists[1:])])
        return _unique([x for x in lists[0] if not any(x in other for other in lists[1:])])

    return impl


def _binder(kind: str) -> Callable[[_Eval, list[Any]], Value]:
    def impl(ev: _Eval, args: list[Any]) -> Value:
        var, seq_node, body = args
        if not isinstance(var, str):
            raise ProgramError(f"{kind}: the variable name must be a string")
        items = _as_list(ev.run(seq_node), kind)
        saved = ev.scope.get(var)
        results = []
        try:
            for item in items:
                ev.scope[var] = item
                results.append(ev.run(body))
        finally:
            if saved is None:
                ev.scope.pop(var, None)
            else:
                ev.scope[var] = saved
        if kind == "map":
            return results
        if kind == "filter":
            return [x for x, keep in zip(items, results) if keep is True]
        if not items:
            raise ProgramError(f"{kind}: empty list")
        keys = [_num(r, kind) for r in results]
        best = max(keys) if kind == "argmax" else min(keys)
        winners = [x for x, k in zip(items, keys) if k == best]
        if len(winners) != 1:
            raise ProgramError(f"{kind} is ambiguous: {len(winners)} elements tie at {best}")
        return winners[0]

    return impl


def _let(ev: _Eval, args: list[Any]) -> Value:
    var, value_node, body = args
    if not isinstance(var, str):
        raise ProgramError("let: the variable name must be a string")
    value = ev.run(value_node)
    had, saved = var in ev.scope, ev.scope.get(var)
    ev.scope[var] = value
    try:
        return ev.run(body)
    finally:
        if had:
            ev.scope[var] = saved
        else:
            ev.scope.pop(var, None)


def _mod(ev: _Eval, args: list[Any]) -> Value:
    a, b = (_num(x, "mod") for x in args)
    if b == 0:
        raise ProgramError("mod: division by zero")
    if not (isinstance(a, int) and isinstance(b, int)):
        raise ProgramError(f"mod: expects integers, got {format_value(a)} and {format_value(b)}")
    return a % b


def _titled(kind: str) -> Callable[[_Eval, list[Any]], Value]:
    def impl(ev: _Eval, args: list[Any]) -> Value:
        text = args[0]
        if not isinstance(text, str):
            raise ProgramError(f"{kind}: expects a string")
        if kind == "titled":
            return [d for d in ev.bp.doc_ids if ev.bp.titles[d] == text]
        return [d for d in ev.bp.doc_ids if text in ev.bp.titles[d]]

    return impl


def _var(ev: _Eval, args: list[Any]) -> Value:
    name = args[0]
    if name not in ev.scope:
        raise ProgramError(f"unbound variable {name!r}")
    return ev.scope[name]


def _if(ev: _Eval, args: list[Any]) -> Value:
    cond = ev.run(args[0])
    if not isinstance(cond, bool):
        raise ProgramError("if: the condition must be a comparison")
    return ev.run(args[1] if cond else args[2])


def _compare(fn: Callable[[Any, Any], bool]) -> Callable[[_Eval, list[Any]], Value]:
    def impl(ev: _Eval, args: list[Any]) -> Value:
        a, b = args
        if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)):
            return fn(Decimal(a), Decimal(b))
        return fn(a, b)

    return impl


def _round(ev: _Eval, args: list[Any]) -> Value:
    x = _num(args[0], "round")
    places = args[1]
    if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 12:
        raise ProgramError(f"round: places must be an integer in 0..12, got {places!r}")
    q = Decimal(1).scaleb(-places)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return _normalize(Decimal(x).quantize(q, rounding=ROUND_HALF_UP))


def _fold(kind: str) -> Callable[[_Eval, list[Any]], Value]:
    def impl(ev: _Eval, args: list[Any]) -> Value:
        items = [_num(x, kind) for x in _as_list(args[0], kind)]
        acc: int | Decimal = 0 if kind == "sum" else 1
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            for x in items:
                acc = acc + x if kind == "sum" else acc * x
        return _normalize(acc) if isinstance(acc, Decimal) else acc

    return impl


def _bool_args(args: list[Any], op: str) -> list[bool]:
    if not all(isinstance(a, bool) for a in args):
        raise ProgramError(f"{op}: expects conditions")
    return args


OPS: dict[str, OpSpec] = {
    "docs": OpSpec(1, 1),
    "anchors": OpSpec(1, 1),
    "all_docs": OpSpec(0, 0),
    "all_anchors": OpSpec(0, 0),
    "occurrences": OpSpec(1, 1),
    "intersect": OpSpec(2, None),
    "union": OpSpec(2, None),
    "difference": OpSpec(2, None),
    "count": OpSpec(1, 1),
    "first": OpSpec(1, 1),
    "last": OpSpec(1, 1),
    "nth": OpSpec(2, 2),
    "only": OpSpec(1, 1),
    "before": OpSpec(2, 2),
    "after": OpSpec(2, 2),
    "list": OpSpec(0, None),
    "Q": OpSpec(1, 2),
    "solve": OpSpec(1, 1),
    "assemble": OpSpec(1, 1),
    "map": OpSpec(3, 3, lazy=True),
    "filter": OpSpec(3, 3, lazy=True),
    "argmax": OpSpec(3, 3, lazy=True),
    "argmin": OpSpec(3, 3, lazy=True),
    "var": OpSpec(1, 1),
    "let": OpSpec(3, 3, lazy=True),
    "titled": OpSpec(1, 1),
    "title_has": OpSpec(1, 1),
    "sum": OpSpec(1, 1),
    "product": OpSpec(1, 1),
    "add": OpSpec(2, 2),
    "sub": OpSpec(2, 2),
    "mul": OpSpec(2, 2),
    "div": OpSpec(2, 2),
    "neg": OpSpec(1, 1),
    "abs": OpSpec(1, 1),
    "mod": OpSpec(2, 2),
    "round": OpSpec(2, 2),
    "if": OpSpec(3, 3, lazy=True),
    "gt": OpSpec(2, 2),
    "ge": OpSpec(2, 2),
    "lt": OpSpec(2, 2),
    "le": OpSpec(2, 2),
    "eq": OpSpec(2, 2),
    "ne": OpSpec(2, 2),
    "and": OpSpec(1, None),
    "or": OpSpec(1, None),
    "not": OpSpec(1, 1),
}

_IMPL: dict[str, _Op] = {
    "docs": _docs,
    "anchors": _anchors,
    "all_docs": lambda ev, a: list(ev.bp.doc_ids),
    "all_anchors": lambda ev, a: _unique([p["anchor"] for d in ev.bp.doc_ids for p in ev.bp.pairs_by_doc[d]]),
    "occurrences": lambda ev, a: _count_occurrences(ev, a[0]),
    "intersect": _set_op("intersect"),
    "union": _set_op("union"),
    "difference": _set_op("difference"),
    "count": lambda ev, a: len(_as_list(a[0], "count")),
    "first": lambda ev, a: _nth(ev, [a[0], 0]),
    "last": lambda ev, a: _nth(ev, [a[0], -1]),
    "nth": _nth,
    "only": _only,
    "before": _neighbour(-1),
    "after": _neighbour(1),
    "list": lambda ev, a: list(a),
    "Q": _q,
    "solve": _solve,
    "assemble": _assemble,
    "map": _binder("map"),
    "filter": _binder("filter"),
    "argmax": _binder("argmax"),
    "argmin": _binder("argmin"),
    "var": _var,
    "let": _let,
    "titled": _titled("titled"),
    "title_has": _titled("title_has"),
    "sum": _fold("sum"),
    "product": _fold("product"),
    "add": _arith(lambda a, b: a + b),
    "sub": _arith(lambda a, b: a - b),
    "mul": _arith(lambda a, b: a * b),
    "div": _arith(_div),
    "neg": lambda ev, a: -_num(a[0], "neg"),
    "abs": lambda ev, a: abs(_num(a[0], "abs")),
    "mod": _mod,
    "round": _round,
    "if": _if,
    "gt": _compare(lambda a, b: a > b),
    "ge": _compare(lambda a, b: a >= b),
    "lt": _compare(lambda a, b: a < b),
    "le": _compare(lambda a, b: a <= b),
    "eq": _compare(lambda a, b: a == b),
    "ne": _compare(lambda a, b: a != b),
    "and": lambda ev, a: all(_bool_args(a, "and")),
    "or": lambda ev, a: any(_bool_args(a, "or")),
    "not": lambda ev, a: not _bool_args(a, "not")[0],
}


def _walk(node: Any, path: str, depth: int) -> Iterator[int]:
    if depth > MAX_DEPTH:
        raise ProgramError(f"program is nested deeper than {MAX_DEPTH} at {path}")
    yield 1
    if isinstance(node, (bool, int, float, str)):
        return
    if not isinstance(node, list) or not node:
        raise ProgramError(f"program node at {path} must be [op, args...] or a literal, got {node!r}")
    op = node[0]
    if not isinstance(op, str) or op not in OPS:
        raise ProgramError(f"unknown operator {op!r} at {path}; known: {', '.join(sorted(OPS))}")
    spec = OPS[op]
    n = len(node) - 1
    if n < spec.min_args or (spec.max_args is not None and n > spec.max_args):
        want = str(spec.min_args) if spec.max_args == spec.min_args else f"{spec.min_args}..{spec.max_args or 'n'}"
        raise ProgramError(f"operator {op!r} at {path} takes {want} arguments, got {n}")
    for i, arg in enumerate(node[1:], 1):
        yield from _walk(arg, f"{path}[{i}]", depth + 1)


def validate(program: Any) -> None:
    """Reject anything that is not a well-formed program before it is evaluated."""
    for count, _ in enumerate(_walk(program, "$", 0), 1):
        if count > MAX_NODES:
            raise ProgramError(f"program has more than {MAX_NODES} nodes")


def evaluate(program: Any, blueprint: Mapping[str, Any]) -> Value:
    """The program's value over the blueprint (validated first)."""
    validate(program)
    return _Eval(Blueprint(blueprint)).run(program)


def answer_of(program: Any, blueprint: Mapping[str, Any]) -> str:
    """The canonical gold answer string the program gives."""
    return format_value(evaluate(program, blueprint))


# ---------------------------------------------------------------------------------------------------------
# Paper notation

_INFIX = {"intersect": " ∩ ", "union": " ∪ ", "difference": " ∖ ", "add": " + ", "sub": " − ", "mul": " × ",
          "div": " ÷ ", "gt": " > ", "ge": " ≥ ", "lt": " < ", "le": " ≤ ", "eq": " = ", "ne": " ≠ ",
          "and": " ∧ ", "or": " ∨ "}


def notation(program: Any) -> str:
    """The program in the paper's notation, e.g. ``solve(Q(anc4, in_doc(docs(anc5) ∩ docs(anc3))))``."""
    validate(program)
    return _show(program, top=True)


def _show(node: Any, top: bool = False, in_q: bool = False) -> str:
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, (int, float, str)):
        return str(node)
    op, args = node[0], node[1:]
    if op in _INFIX:
        inner = _INFIX[op].join(_show(a) for a in args)
        return inner if top else f"({inner})"
    if op == "Q" and len(args) == 2:
        return f"Q({_show(args[0])}, {_show(args[1], top=True, in_q=True)})"
    if op == "only" and in_q:
        return f"in_doc({_show(args[0], top=True)})"
    if op == "count":
        return f"|{_show(args[0], top=True)}|"
    if op == "sum":
        return f"∑{_show_list(args[0])}"
    if op == "product":
        return f"∏{_show_list(args[0])}"
    if op == "neg":
        return f"−{_show(args[0])}"
    if op == "var":
        return str(args[0])
    if op == "list":
        return "[" + ", ".join(_show(a, top=True) for a in args) + "]"
    if op in ("map", "filter", "argmax", "argmin"):
        var, seq, body = args
        if op == "map":
            return f"[{_show(body, top=True)} for {var} ∈ {_show(seq, top=True)}]"
        if op == "filter":
            return f"{{{var} ∈ {_show(seq, top=True)} | {_show(body, top=True)}}}"
        return f"{op}_{{{var} ∈ {_show(seq, top=True)}}} {_show(body, top=True)}"
    if op == "if":
        return f"({_show(args[1], top=True)} if {_show(args[0], top=True)} else {_show(args[2], top=True)})"
    if op == "not":
        return f"¬{_show(args[0])}"
    if op == "let":
        var, value, body = args
        return f"({_show(body, top=True)} where {var} = {_show(value, top=True)})"
    if op == "abs":
        return f"|{_show(args[0], top=True)}|"
    if op in ("titled", "title_has") and isinstance(args[0], str):
        return f'{op}("{args[0]}")'
    if op == "mod":
        return f"({_show(args[0])} mod {_show(args[1])})"
    return f"{op}(" + ", ".join(_show(a, top=True) for a in args) + ")"


def _show_list(node: Any) -> str:
    shown = _show(node, top=True)
    return shown if shown.startswith("[") else f"[{shown}]"
