"""Export a flat model to XMILE 1.0 so Stella, Vensim (via XMILE) and PySD can run the same model.

Delays are already explicit stocks in a flat model. Each lookup call becomes an auxiliary with
an embedded graphical function (`<gf>` with `<xpts>`/`<ypts>`), which every XMILE reader
supports, and its argument as the auxiliary's equation.
"""

from __future__ import annotations

import ast
import copy
import xml.etree.ElementTree as ET
from pathlib import Path

from joinedup import __version__
from joinedup.model import expr as E
from joinedup.model.flatten import FlatModel

__all__ = ["to_xmile", "write_xmile", "XMILE_NS"]

XMILE_NS = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"


def _lift_lookups(tree: ast.expr, owner: str, lookups: set[str], out: list[tuple[str, str, ast.expr]]) -> ast.expr:
    """Replace each lookup call with a new auxiliary's name; collect (aux, lookup, argument)."""

    class _Lift(ast.NodeTransformer):
        def visit_Call(self, node: ast.Call) -> ast.AST:
            node.args = [self.visit(a) for a in node.args]
            if node.func.id in lookups:
                name = f"{owner}_{node.func.id}_{len(out) + 1}"
                out.append((name, node.func.id, node.args[0]))
                return ast.Name(name, ast.Load())
            return node
    return _Lift().visit(copy.deepcopy(tree))


def _fmt(x: float) -> str:
    return repr(float(x))


def to_xmile(flat: FlatModel, *, weeks: float = 260, dt: float = 1.0,
             values: dict[str, float] | None = None) -> ET.Element:
    """The model as an XMILE element tree; `values` overrides parameter values."""
    values = values or {}
    ET.register_namespace("", XMILE_NS)
    q = lambda tag: f"{{{XMILE_NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("xmile"), {"version": "1.0"})
    header = ET.SubElement(root, q("header"))
    ET.SubElement(header, q("vendor")).text = "joinedup"
    ET.SubElement(header, q("product"), {"version": __version__}).text = "joinedup"
    ET.SubElement(header, q("name")).text = flat.name
    specs = ET.SubElement(root, q("sim_specs"), {"method": "Euler", "time_units": flat.time_units})
    ET.SubElement(specs, q("start")).text = "0"
    ET.SubElement(specs, q("stop")).text = _fmt(weeks)
    ET.SubElement(specs, q("dt")).text = _fmt(dt)
    model = ET.SubElement(root, q("model"))
    variables = ET.SubElement(model, q("variables"))
    lk = set(flat.lookups)
    lifted: list[tuple[str, str, ast.expr]] = []

    def add(tag: str, name: str, tree: ast.expr | None, units: str, doc: str = "", text: str | None = None):
        el = ET.SubElement(variables, q(tag), {"name": name})
        ET.SubElement(el, q("eqn")).text = text if text is not None else E.to_xmile(_lift_lookups(tree, name, lk, lifted))
        if units and units != "1":
            ET.SubElement(el, q("units")).text = units
        if doc:
            ET.SubElement(el, q("doc")).text = doc
        return el

    for n, st in flat.stocks.items():
        el = add("stock", n, st.initial, st.units, st.description)
        for f in st.inflows:
            ET.SubElement(el, q("inflow")).text = f
        for f in st.outflows:
            ET.SubElement(el, q("outflow")).text = f
    for n, v in flat.flows.items():
        add("flow", n, v.tree, v.units, v.description)
    for n, v in flat.auxes.items():
        add("aux", n, v.tree, v.units, v.description)
    for n, p in flat.params.items():
        add("aux", n, None, p.units, p.description or p.source, text=_fmt(values.get(n, p.value)))
    done = 0
    while done < len(lifted):  # a lookup's argument may itself call a lookup
        name, fn, arg = lifted[done]
        done += 1
        table = flat.lookups[fn]
        el = add("aux", name, arg, table.y_units, f"graphical function {fn}")
        gf = ET.SubElement(el, q("gf"), {"type": "continuous"})
        ET.SubElement(gf, q("xpts")).text = ",".join(_fmt(x) for x in table.x)
        ET.SubElement(gf, q("ypts")).text = ",".join(_fmt(y) for y in table.y)
    return root


def write_xmile(flat: FlatModel, path: Path, **kw) -> Path:
    """Write the model's XMILE file."""
    tree = ET.ElementTree(to_xmile(flat, **kw))
    ET.indent(tree)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return Path(path)
