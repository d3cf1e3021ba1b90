"""From a declared model to a flat, checked one: names resolved, units checked, delays expanded.

A flat model has only parameters, stocks, flows, auxiliaries and lookups, so the engine and the
XMILE export see the same structure: a DELAY3 becomes three explicit stocks and four flows.
Linked models are flattened into one, each name prefixed with its model (`discharge__beds`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from joinedup.errors import UserError
from joinedup.model import expr as E
from joinedup.model.spec import Indicator, Lookup, ModelSpec, Parameter
from joinedup.model.units import check_declared, parse_units, same_units, show, units_of

__all__ = ["FlatVar", "FlatStock", "FlatModel", "flatten", "check_loops", "SEP"]

SEP = "__"


@dataclass(frozen=True)
class FlatVar:
    """A flow or auxiliary: an equation and its units."""

    tree: ast.expr
    units: str
    description: str = ""


@dataclass(frozen=True)
class FlatStock:
    """A stock: initial-value equation, units and the flows that fill and drain it."""

    initial: ast.expr
    units: str
    inflows: tuple[str, ...]
    outflows: tuple[str, ...]
    description: str = ""


@dataclass
class FlatModel:
    """A checked model (one declared model, or several linked), ready to compile or export."""

    name: str
    title: str
    time_units: str
    params: dict[str, Parameter] = field(default_factory=dict)
    stocks: dict[str, FlatStock] = field(default_factory=dict)
    flows: dict[str, FlatVar] = field(default_factory=dict)
    auxes: dict[str, FlatVar] = field(default_factory=dict)
    lookups: dict[str, Lookup] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    #: internal name -> (model, name as declared), for display and for levers
    origin: dict[str, tuple[str, str]] = field(default_factory=dict)

    def units_of(self, name: str) -> str:
        """Declared units of any variable."""
        for table in (self.params, self.stocks, self.flows, self.auxes):
            if name in table:
                return table[name].units
        raise KeyError(name)

    def display(self, name: str) -> str:
        """`model.name` for an internal name."""
        m, n = self.origin.get(name, (self.name, name))
        return f"{m}.{n}"


def _units(text: str, file: str, fld: str):
    try:
        return parse_units(text)
    except ValueError as e:
        raise UserError(str(e), file=file, field=fld) from None


def flatten(spec: ModelSpec, *, inputs_as: dict[str, str] | None = None, prefix: str = "") -> FlatModel:
    """Check one declared model and flatten it; `inputs_as` maps inputs to linked sources."""
    f = spec.source_file or f"{spec.name}.yaml"
    sections = {"parameters": spec.parameters, "inputs": spec.inputs, "stocks": spec.stocks,
                "flows": spec.flows, "auxiliaries": spec.auxiliaries}
    seen: dict[str, str] = {}
    for sec, table in sections.items():
        for n in table:
            if n in seen:
                raise UserError(f"name {n!r} is declared in both {seen[n]} and {sec}", file=f, field=f"{sec}.{n}")
            if n in spec.lookups or n in E.FUNCTIONS or n in E.BUILTIN_NAMES or SEP in n:
                raise UserError(f"name {n!r} is reserved or clashes with a lookup", file=f, field=f"{sec}.{n}")
            seen[n] = sec
    tu = _units(spec.time_units, f, "time_units")
    env = {}
    for sec, table in sections.items():
        for n, v in table.items():
            env[n] = _units(v.units, f, f"{sec}.{n}.units")
    lookups = {n: (_units(lk.x_units, f, f"lookups.{n}.x_units"), _units(lk.y_units, f, f"lookups.{n}.y_units"))
               for n, lk in spec.lookups.items()}
    lk_names = frozenset(spec.lookups)

    def parsed(text: str, fld: str) -> ast.expr:
        tree = E.parse(text, file=f, field=fld, lookups=lk_names)
        for n in sorted(E.names_in(tree)):
            if n not in seen and n not in E.BUILTIN_NAMES:
                raise UserError(f"undefined name {n!r} in equation {text!r}", file=f, field=fld)
        return tree

    p = prefix
    out = FlatModel(spec.name, spec.title, spec.time_units)
    mapping = {n: p + n for n in list(seen) + list(spec.lookups)}

    def put(table: dict, name: str, value, decl: str) -> None:
        table[p + name] = value
        out.origin[p + name] = (spec.name, decl)

    for n, prm in spec.parameters.items():
        put(out.params, n, prm, n)
    for n, inp in spec.inputs.items():
        if inputs_as and n in inputs_as:
            put(out.auxes, n, FlatVar(ast.Name(inputs_as[n], ast.Load()), inp.units, inp.description), n)
        else:
            put(out.params, n, Parameter(value=inp.default, units=inp.units, description=inp.description,
                                         source=inp.source or "default when run without the linked model"), n)
    for n, lk in spec.lookups.items():
        put(out.lookups, n, lk, n)

    flow_owner: dict[tuple[str, str], str] = {}
    for n, st in spec.stocks.items():
        for kind in ("inflows", "outflows"):
            for fl in getattr(st, kind):
                fld = f"stocks.{n}.{kind}"
                if fl not in spec.flows:
                    raise UserError(f"undefined flow {fl!r}", file=f, field=fld)
                if (kind, fl) in flow_owner:
                    raise UserError(f"flow {fl!r} is already in the {kind} of {flow_owner[kind, fl]!r}",
                                    file=f, field=fld)
                flow_owner[kind, fl] = n
                want = env[n] / tu
                if not same_units(env[fl], want):
                    raise UserError(f"unit mismatch: flow {fl!r} is {show(env[fl])}, stock needs {show(want)}",
                                    file=f, field=fld)
        tree = parsed(st.initial, f"stocks.{n}.initial")
        check_declared(tree, st.units, env, lookups, tu, file=f, field=f"stocks.{n}.initial")
        put(out.stocks, n, FlatStock(E.rename(tree, mapping), st.units, tuple(p + x for x in st.inflows),
                                     tuple(p + x for x in st.outflows), st.description), n)

    for sec, table, target in (("flows", spec.flows, out.flows), ("auxiliaries", spec.auxiliaries, out.auxes)):
        for n, v in table.items():
            fld = f"{sec}.{n}.equation"
            tree = parsed(v.equation, fld)
            check_declared(tree, v.units, env, lookups, tu, file=f, field=fld)
            tree, delays = E.extract_delays(tree, n)
            mapping.update({d.output: p + d.output for d in delays})
            for d in delays:
                _expand_delay(out, spec.name, p, d, E.rename(d.input, mapping), E.rename(d.time, mapping),
                              units_of(d.input, env, lookups, tu) or parse_units(v.units), tu)
            put(target, n, FlatVar(E.rename(tree, mapping), v.units, v.description), n)

    check_loops(out, f)
    for n, ind in spec.indicators.items():
        if n not in seen or seen[n] in ("parameters", "inputs"):
            raise UserError(f"indicator {n!r} is not a stock, flow or auxiliary", file=f, field=f"indicators.{n}")
        out.indicators[p + n] = ind
    return out


def _expand_delay(out: FlatModel, model: str, p: str, d: E.Delay, inp: ast.expr, time: ast.expr,
                  in_units, tu) -> None:
    """A material delay of order n as n stocks in a chain, each holding input x time/n at the start."""
    base = p + d.output
    stage_time = ast.BinOp(time, ast.Div(), ast.Constant(float(d.order)))
    su = f"{in_units * tu:~}" if not (1 * in_units).dimensionless else f"{tu:~}"
    fu = f"{in_units:~}" if not (1 * in_units).dimensionless else "1"
    names = [f"{base}_s{i + 1}" for i in range(d.order)]
    outflows = [f"{base}_out{i + 1}" for i in range(d.order)]
    out.flows[f"{base}_in"] = FlatVar(inp, fu, "delay input")
    out.origin[f"{base}_in"] = (model, f"{d.output}_in")
    for i, s in enumerate(names):
        out.stocks[s] = FlatStock(ast.BinOp(inp, ast.Mult(), stage_time), su,
                                  (f"{base}_in",) if i == 0 else (outflows[i - 1],), (outflows[i],),
                                  f"stage {i + 1} of a {d.order}-stage delay")
        out.flows[outflows[i]] = FlatVar(ast.BinOp(ast.Name(s, ast.Load()), ast.Div(), stage_time), fu)
        out.origin[s] = (model, s.removeprefix(p))
        out.origin[outflows[i]] = (model, outflows[i].removeprefix(p))
    # the delay's output is the last stage's outflow, named as the call site expects
    out.auxes[base] = FlatVar(ast.Name(outflows[-1], ast.Load()), fu, "delay output")
    out.origin[base] = (model, d.output)


def check_loops(flat: FlatModel, file: str) -> None:
    """Refuse flows and auxiliaries that depend on themselves with no stock in between."""
    from graphlib import CycleError, TopologicalSorter
    eqs = {**flat.flows, **flat.auxes}
    try:
        TopologicalSorter({n: E.names_in(v.tree) & eqs.keys() for n, v in eqs.items()}).prepare()
    except CycleError as e:
        cyc = " -> ".join(flat.display(n) for n in e.args[1])
        first = e.args[1][0]
        section = "flows" if first in flat.flows else "auxiliaries"
        raise UserError(f"algebraic loop with no stock in it: {cyc}", file=file,
                        field=f"{section}.{flat.origin.get(first, ('', first))[1]}.equation") from None
