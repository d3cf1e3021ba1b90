"""Compile a flat model once into numpy functions that advance a whole ensemble as arrays.

Each equation becomes one line of generated Python over arrays of shape (N,), in dependency
order, so the interpreter runs each step's code once for all N runs.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from typing import Callable

import numpy as np

from joinedup.errors import UserError
from joinedup.model import expr as E
from joinedup.model.flatten import FlatModel

__all__ = ["Compiled", "compile_model", "ramp"]


def ramp(t: float, start: float, length: float) -> float:
    """0 before `start`, 1 after `start + length`, linear between (a step when length is 0)."""
    if length <= 0:
        return 1.0 if t >= start else 0.0
    return min(max((t - start) / length, 0.0), 1.0)


@dataclass
class Compiled:
    """Generated functions of one model: initial stocks, derivatives and observations."""

    flat: FlatModel
    stocks: list[str]
    levers: tuple[str, ...]
    init: Callable          # init(P, L) -> None, fills S
    deriv: Callable         # deriv(t, S, P, L, D) -> None, fills D
    observe: Callable       # observe(t, S, P, L) -> tuple of arrays, in `observed` order
    observed: list[str]
    source: str
    prepare: Callable       # prepare(P) -> values of equations of parameters alone, once per run

    def index(self, stock: str) -> int:
        """Row of a stock in the state array."""
        return self.stocks.index(stock)


def _v(n: str) -> str:
    return f"v_{n}"


def _order(flat: FlatModel, nodes: dict[str, set[str]], what: str) -> list[str]:
    try:
        return list(TopologicalSorter(nodes).static_order())
    except CycleError as e:
        cyc = " -> ".join(flat.display(n) for n in e.args[1])
        raise UserError(f"{what} loop with no stock in it: {cyc}", file=flat.name, field=flat.display(e.args[1][0])) from None


def _closure(targets: list[str], deps: dict[str, set[str]]) -> set[str]:
    need, todo = set(), list(targets)
    while todo:
        n = todo.pop()
        if n in need:
            continue
        need.add(n)
        todo.extend(deps.get(n, ()))
    return need


def _hoist(tree: ast.expr, fixed: set[str], new: dict[str, ast.expr]) -> ast.expr:
    """Move parts of an equation that read only fixed values out of the step loop.

    A subexpression of fixed values (such as `1 - share`) and the fixed factors of a product
    (such as `rate / weeks_per_year` in `stock * rate / weeks_per_year`) become one value
    computed once per run, so each step does fewer array operations.
    """
    def is_fixed(n: ast.expr) -> bool:
        return E.names_in(n) <= fixed and "TIME" not in E.names_in(n)

    def name_for(n: ast.expr) -> ast.Name:
        key = f"_k{len(new)}"
        new[key] = n
        return ast.Name(key, ast.Load())

    def factors(n: ast.expr, inv: bool) -> list[tuple[ast.expr, bool]]:
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Mult, ast.Div)):
            return factors(n.left, inv) + factors(n.right, inv ^ isinstance(n.op, ast.Div))
        return [(n, inv)]

    def product(parts: list[tuple[ast.expr, bool]]) -> ast.expr:
        out = None
        for f, inv in sorted(parts, key=lambda p: p[1]):
            if out is None:
                out = f if not inv else ast.BinOp(ast.Constant(1.0), ast.Div(), f)
            else:
                out = ast.BinOp(out, ast.Div() if inv else ast.Mult(), f)
        return out

    def go(n: ast.expr) -> ast.expr:
        if isinstance(n, (ast.Name, ast.Constant)):
            return n
        if is_fixed(n):
            return name_for(n)
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Mult, ast.Div)):
            parts = factors(n, False)
            still = [(f, inv) for f, inv in parts if not is_fixed(f)]
            fixed_parts = [(f, inv) for f, inv in parts if is_fixed(f)]
            if len(fixed_parts) >= 2 or any(not isinstance(f, (ast.Name, ast.Constant)) for f, _ in fixed_parts):
                k = name_for(product(fixed_parts))
                return product([(go(f), inv) for f, inv in still] + [(k, False)])
            return product([(go(f), inv) for f, inv in parts])
        for field, value in ast.iter_fields(n):
            if isinstance(value, ast.expr):
                setattr(n, field, go(value))
            elif isinstance(value, list):
                setattr(n, field, [go(v) if isinstance(v, ast.expr) else v for v in value])
        return n

    return go(copy.deepcopy(tree))


def compile_model(flat: FlatModel, *, levers: tuple[str, ...] = (), observe: list[str] | None = None) -> Compiled:
    """Generate and compile the model's functions; `levers` are parameters that change over time."""
    lk = frozenset(flat.lookups)
    eqs = {**flat.flows, **flat.auxes}
    stocks = list(flat.stocks)
    params = list(flat.params)
    dyn = {n: E.names_in(v.tree) & eqs.keys() for n, v in eqs.items()}
    order = _order(flat, dyn, "algebraic")
    # equations of parameters alone do not change during a run: computed once, before the steps
    fixed = set(params) - set(levers)
    static: list[str] = []
    for n in order:
        if E.names_in(eqs[n].tree) <= fixed:
            fixed.add(n)
            static.append(n)

    hoisted: dict[str, ast.expr] = {}
    step_tree = {n: (v.tree if n in fixed else _hoist(v.tree, fixed, hoisted)) for n, v in eqs.items()}

    def param_lines(used: set[str], with_static: bool = True) -> list[str]:
        lines = []
        for p in params + (static + list(hoisted) if with_static else []):
            if p not in used:
                continue
            if p in levers:
                lines.append(f"    {_v(p)} = P[{p!r}] + L[{p!r}][0] * _ramp(t, L[{p!r}][1], L[{p!r}][2])")
            else:
                lines.append(f"    {_v(p)} = P[{p!r}]")
        return lines

    def line(n: str, tree) -> str:
        code = E.to_numpy(E.rename(tree, {x: _v(x) for x in E.names_in(tree) if x != "TIME"}), lk)
        return f"    {_v(n)} = {code}"

    all_names = set(params) | set(stocks) | set(eqs)
    src: list[str] = []

    # initial values: stocks may start from auxiliaries, which may read other stocks
    ideps = {**{s: E.names_in(st.initial) & all_names for s, st in flat.stocks.items()},
             **{n: E.names_in(v.tree) & all_names for n, v in eqs.items()}}
    iorder = [n for n in _order(flat, {k: v - set(params) for k, v in ideps.items()}, "initial-value")
              if n in _closure(stocks, ideps)]
    src.append("def prepare(P):\n    t = T0")
    src += param_lines(set(params) - set(levers), with_static=False)
    src += [line(n, eqs[n].tree) for n in static]
    src += [line(n, tree) for n, tree in hoisted.items()]
    src.append(f"    return {{{', '.join(f'{n!r}: {_v(n)}' for n in static + list(hoisted))}}}")
    src.append("def init(P, L, S):\n    t = T0\n    v_TIME = t")
    src += param_lines(set(params), with_static=False)
    for n in iorder:
        if n in flat.stocks:
            src.append(line(n, flat.stocks[n].initial))
            src.append(f"    S[{stocks.index(n)}] = {_v(n)}")
        elif n in eqs:
            src.append(line(n, eqs[n].tree))

    # derivatives: flows need only the auxiliaries they depend on
    used = set()
    for n in order:
        used |= E.names_in(step_tree[n])
    for st in flat.stocks.values():
        used |= set(st.inflows) | set(st.outflows)
    src.append("def deriv(t, S, P, L, D):\n    v_TIME = t")
    src += param_lines(used)
    src += [f"    {_v(s)} = S[{i}]" for i, s in enumerate(stocks)]
    need = _closure([f for st in flat.stocks.values() for f in (*st.inflows, *st.outflows)], dyn)
    src += [line(n, step_tree[n]) for n in order if n in need and n not in fixed]
    for i, (_s, st) in enumerate(flat.stocks.items()):
        terms = " + ".join(_v(f) for f in st.inflows) or "0.0"
        if st.outflows:
            terms = f"({terms}) - ({' + '.join(_v(f) for f in st.outflows)})"
        src.append(f"    D[{i}] = {terms}")

    observed = list(observe) if observe is not None else list(flat.indicators)
    need = _closure([o for o in observed if o in eqs], dyn)
    src.append("def observe(t, S, P, L):\n    v_TIME = t")
    src += param_lines(set(params) | set(observed) | {x for n in need for x in E.names_in(step_tree[n])})
    src += [f"    {_v(s)} = S[{i}]" for i, s in enumerate(stocks)]
    src += [line(n, step_tree[n]) for n in order if n in need and n not in fixed]
    src.append(f"    return ({', '.join(_v(o) for o in observed)},)" if observed else "    return ()")

    code = "\n".join(src) + "\n"
    ns: dict = {"_np": np, "_ramp": ramp, "T0": 0.0}
    for n, table in flat.lookups.items():
        ns[f"_LX_{n}"] = np.asarray(table.x, dtype=float)
        ns[f"_LY_{n}"] = np.asarray(table.y, dtype=float)
    exec(compile(code, f"<joinedup model {flat.name}>", "exec"), ns)
    return Compiled(flat, stocks, tuple(levers), ns["init"], ns["deriv"], ns["observe"], observed, code, ns["prepare"])
