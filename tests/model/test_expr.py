"""The equation compiler: generated numpy code agrees with a plain-Python reading of the same equation."""

from __future__ import annotations

import ast
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.errors import UserError
from joinedup.model import expr as E
from joinedup.model.derived import centre_km, nearest_site_km
from joinedup.model.units import parse_units, units_of

NAMES = ("a", "b", "c")


def _exprs():
    leaf = st.one_of(st.sampled_from(NAMES), st.floats(0.5, 9, allow_nan=False).map(lambda x: f"{x:.3f}"))

    def grow(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(children, children).map(lambda t: f"({t[0]} / (ABS({t[1]}) + 1))"),
            st.tuples(st.sampled_from(["MIN", "MAX"]), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            st.tuples(children, children, children).map(lambda t: f"IF_THEN_ELSE({t[0]} > {t[1]}, {t[1]}, {t[2]})"),
            children.map(lambda c: f"(-{c})"),
            children.map(lambda c: f"tbl({c})"),
        )
    return st.recursive(leaf, grow, max_leaves=12)


def _reference(tree: ast.expr, env: dict[str, float]) -> float:
    xs, ys = [0.0, 1.0, 3.0], [2.0, 0.0, 5.0]

    def ev(n):
        if isinstance(n, ast.Constant):
            return float(n.value)
        if isinstance(n, ast.Name):
            return env[n.id]
        if isinstance(n, ast.UnaryOp):
            return -ev(n.operand)
        if isinstance(n, ast.BinOp):
            a, b = ev(n.left), ev(n.right)
            return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}.get(type(n.op), a / b if b else math.inf)
        if isinstance(n, ast.Compare):
            return float(ev(n.left) > ev(n.comparators[0]))
        fn, args = n.func.id, n.args
        if fn == "MIN":
            return min(ev(a) for a in args)
        if fn == "MAX":
            return max(ev(a) for a in args)
        if fn == "ABS":
            return abs(ev(args[0]))
        if fn == "IF_THEN_ELSE":
            return ev(args[1]) if ev(args[0]) else ev(args[2])
        x = ev(args[0])
        if x <= xs[0]:
            return ys[0]
        if x >= xs[-1]:
            return ys[-1]
        i = 0 if x < xs[1] else 1
        return ys[i] + (ys[i + 1] - ys[i]) * (x - xs[i]) / (xs[i + 1] - xs[i])
    return ev(tree)


@settings(max_examples=150, deadline=None)
@given(_exprs(), st.lists(st.floats(-5, 5, allow_nan=False), min_size=3, max_size=3))
def test_generated_numpy_matches_reference(text, values):
    tree = E.parse(text, file="t", field="f", lookups=frozenset({"tbl"}))
    code = E.to_numpy(tree, frozenset({"tbl"}))
    env = dict(zip(NAMES, values))
    ns = {"_np": np, "_LX_tbl": np.array([0.0, 1.0, 3.0]), "_LY_tbl": np.array([2.0, 0.0, 5.0])}
    arrays = {k: np.array([v, v]) for k, v in env.items()}
    got = eval(code, ns, arrays)
    want = _reference(tree, env)
    np.testing.assert_allclose(np.broadcast_to(got, (2,)), want, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("text", ["a.b", "a[0]", "f(a)", "a if b else c", "lambda: 1", "'x'", "a and b", "MIN(a)"])
def test_refused(text):
    with pytest.raises(UserError):
        E.parse(text, file="m.yaml", field="flows.x.equation")


def test_delays_are_cut_out():
    tree = E.parse("2 * DELAY3(a + b, c) + DELAY1(a, c)", file="t", field="f")
    new, found = E.extract_delays(tree, "owner")
    assert [d.order for d in found] == [3, 1]
    assert E.names_in(new) == {"owner_delay1", "owner_delay2"}


def test_units_algebra():
    env = {"p": parse_units("person"), "w": parse_units("week"), "r": parse_units("person/week")}
    t = lambda s: E.parse(s, file="t", field="f")  # noqa: E731
    assert units_of(t("p / w + r"), env, {}, parse_units("week")) == parse_units("person/week")
    assert units_of(t("MAX(0, p)"), env, {}, parse_units("week")) == parse_units("person")
    with pytest.raises(ValueError):
        units_of(t("p + r"), env, {}, parse_units("week"))
    with pytest.raises(ValueError):
        parse_units("furlong")


def test_distances_come_from_real_lsoa_centroids():
    one, forty = nearest_site_km(1), nearest_site_km(40)
    assert one == pytest.approx(centre_km())
    assert 2 < one < 8            # Dudley is about 10 km across
    assert 0.2 < forty < one      # more sites, shorter trips
