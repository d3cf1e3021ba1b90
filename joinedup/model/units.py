"""Unit checking of equations with pint, each unit its own dimension.

The engine never converts units, so every unit here is a base dimension of its own (as in
Vensim's unit check): `person/week + person/week` is fine, `person + person/week` and
`hour + week` are refused. Number literals take the units around them (`MAX(0, x)`).
"""

from __future__ import annotations

import ast
from functools import lru_cache

import pint

from joinedup.errors import UserError

__all__ = ["UNITS", "registry", "parse_units", "units_of", "same_units", "show", "check_declared"]

#: The units a model may use; time in the models is the week.
UNITS = ("person", "household", "place", "post", "week", "hour", "km", "kg", "GBP",
         "appointment", "trip", "visit", "bed")


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """A pint registry with only the units above, each a base dimension."""
    reg = pint.UnitRegistry(None)
    for u in UNITS:
        reg.define(f"{u} = [{u}]")
    return reg


@lru_cache(maxsize=512)
def parse_units(text: str) -> pint.Unit:
    """Units from text such as `person/week` or `GBP/(person*week)`; `1` is dimensionless."""
    try:
        return registry().parse_units(str(text).strip() or "1") if str(text).strip() not in ("1", "") \
            else registry().dimensionless
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError,
            TypeError, ValueError, SyntaxError) as e:
        raise ValueError(f"unknown units {text!r} (known: {', '.join(UNITS)}; {e})") from None


def same_units(a: pint.Unit | None, b: pint.Unit | None) -> bool:
    """Whether two units agree (None, the units of a bare number, agrees with anything)."""
    return a is None or b is None or (1 * a).dimensionality == (1 * b).dimensionality


def show(u: pint.Unit | None) -> str:
    """Units as text for messages."""
    return "a number" if u is None else ("1" if (1 * u).dimensionless else f"{u:~}")


class _UnitError(Exception):
    pass


def units_of(tree: ast.expr, env: dict[str, pint.Unit], lookups: dict[str, tuple[pint.Unit, pint.Unit]],
             time_units: pint.Unit) -> pint.Unit | None:
    """The units of an equation, or a ValueError saying which part disagrees."""
    dimless = registry().dimensionless

    def agree(a, b, what: str):
        if not same_units(a, b):
            raise _UnitError(f"{what}: {show(a)} vs {show(b)}")
        return a if a is not None else b

    def ev(n: ast.expr):
        if isinstance(n, ast.Constant):
            return None
        if isinstance(n, ast.Name):
            return time_units if n.id == "TIME" else env[n.id]
        if isinstance(n, ast.UnaryOp):
            return ev(n.operand)
        if isinstance(n, ast.Compare):
            agree(ev(n.left), ev(n.comparators[0]), f"comparison {ast.unparse(n)!r}")
            return dimless
        if isinstance(n, ast.BinOp):
            a, b = ev(n.left), ev(n.right)
            if isinstance(n.op, (ast.Add, ast.Sub)):
                return agree(a, b, f"{ast.unparse(n)!r} adds different units")
            if isinstance(n.op, ast.Mult):
                return b if a is None else a if b is None else a * b
            if isinstance(n.op, ast.Div):
                return (None if b is None else 1 / b) if a is None else a if b is None else a / b
            if not isinstance(n.right, ast.Constant):
                raise _UnitError(f"power {ast.unparse(n)!r} needs a number as exponent")
            return None if a is None else a ** n.right.value
        fn, args = n.func.id, n.args
        if fn in lookups:
            xu, yu = lookups[fn]
            agree(ev(args[0]), xu, f"lookup {fn} input")
            return yu
        if fn in ("MIN", "MAX"):
            out = None
            for a in args:
                out = agree(out, ev(a), f"{fn} arguments")
            return out
        if fn == "IF_THEN_ELSE":
            ev(args[0])
            return agree(ev(args[1]), ev(args[2]), "IF_THEN_ELSE branches")
        if fn in ("DELAY1", "DELAY3"):
            agree(ev(args[1]), time_units, f"{fn} delay time")
            return ev(args[0])
        if fn in ("EXP", "LN"):
            agree(ev(args[0]), dimless, f"{fn} argument")
            return dimless
        if fn == "SQRT":
            a = ev(args[0])
            return None if a is None else a ** 0.5
        return ev(args[0])  # ABS

    try:
        return ev(tree)
    except _UnitError as e:
        raise ValueError(str(e)) from None


def check_declared(tree: ast.expr, declared: str, env: dict, lookups: dict, time_units, *,
                   file: str, field: str) -> None:
    """Raise a UserError when an equation's units differ from the declared ones."""
    try:
        got = units_of(tree, env, lookups, time_units)
    except ValueError as e:
        raise UserError(f"unit mismatch: {e}", file=file, field=field) from None
    want = parse_units(declared)
    if not same_units(got, want):
        raise UserError(f"unit mismatch: equation gives {show(got)}, declared {show(want)}",
                        file=file, field=field)

