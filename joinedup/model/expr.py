"""Equations: parsed once with Python's `ast` into a small, checked language, then emitted as numpy code.

The language is arithmetic (+ - * / **), comparisons, numbers, names and these functions:
MIN, MAX, ABS, EXP, LN, SQRT, IF_THEN_ELSE(cond, a, b), DELAY1(input, time), DELAY3(input, time),
and every lookup of the model called by name, e.g. `four_hour_effect(occupancy)`. `TIME` is the
simulation clock. Anything else (attributes, subscripts, keyword arguments...) is refused.
"""

from __future__ import annotations

import ast
import copy
import threading
from dataclasses import dataclass

from joinedup.errors import UserError

__all__ = ["FUNCTIONS", "DELAYS", "parse", "names_in", "rename", "to_numpy", "to_xmile",
           "Delay", "extract_delays"]

#: function name -> (minimum, maximum) number of arguments
FUNCTIONS: dict[str, tuple[int, int]] = {
    "MIN": (2, 8), "MAX": (2, 8), "ABS": (1, 1), "EXP": (1, 1), "LN": (1, 1), "SQRT": (1, 1),
    "IF_THEN_ELSE": (3, 3), "DELAY1": (2, 2), "DELAY3": (2, 2),
}
DELAYS = ("DELAY1", "DELAY3")
BUILTIN_NAMES = ("TIME",)

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_CMPOPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_NUMPY = {"MIN": "_np.minimum", "MAX": "_np.maximum", "ABS": "_np.abs", "EXP": "_np.exp",
          "LN": "_np.log", "SQRT": "_np.sqrt", "IF_THEN_ELSE": "_np.where"}


#: One `ast.parse` at a time: CPython 3.11 keeps the AST converter's recursion depth in interpreter-wide state, so two
#: threads parsing at once (a web app's scenario run beside a request that builds the model) can fail with
#: "SystemError: AST constructor recursion depth mismatch" (CPython issue 106905, fixed in later releases).
_PARSE_LOCK = threading.Lock()


def parse(text: str, *, file: str, field: str, lookups: frozenset[str] = frozenset()) -> ast.expr:
    """Parse an equation into a checked `ast` tree, or raise a UserError naming file and field."""
    try:
        with _PARSE_LOCK:
            tree = ast.parse(str(text).strip(), mode="eval").body
    except SyntaxError as e:
        raise UserError(f"cannot parse equation {text!r} ({e.msg})", file=file, field=field) from None
    for node in ast.walk(tree):
        _check_node(node, text, file, field, lookups)
    return tree


def _check_node(node: ast.AST, text: str, file: str, field: str, lookups: frozenset[str]) -> None:
    def bad(why: str) -> UserError:
        return UserError(f"{why} in equation {text!r}", file=file, field=field)

    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINOPS:
            raise bad(f"operator {type(node.op).__name__} is not allowed")
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise bad("only unary minus is allowed")
    elif isinstance(node, ast.Compare):
        if len(node.ops) != 1 or type(node.ops[0]) not in _CMPOPS:
            raise bad("only single comparisons (<, <=, >, >=, ==, !=) are allowed")
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, (int, float)) or isinstance(node.value, bool):
            raise bad(f"constant {node.value!r} is not a number")
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise bad("only plain function calls are allowed")
        fn = node.func.id
        if fn in FUNCTIONS:
            lo, hi = FUNCTIONS[fn]
            if not lo <= len(node.args) <= hi:
                raise bad(f"{fn} takes {lo if lo == hi else f'{lo} to {hi}'} arguments")
        elif fn in lookups:
            if len(node.args) != 1:
                raise bad(f"lookup {fn} takes one argument")
        else:
            raise bad(f"unknown function {fn}")
    elif not isinstance(node, (ast.Name, ast.Load, ast.expr_context, *_BINOPS, *_CMPOPS,
                               ast.USub, ast.UAdd, ast.cmpop, ast.operator, ast.unaryop)):
        raise bad(f"{type(node).__name__} is not allowed")


def names_in(tree: ast.expr) -> set[str]:
    """Variable names an equation reads (function names excluded)."""
    funcs = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in funcs}


class _Renamer(ast.NodeTransformer):
    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping

    def visit_Call(self, node: ast.Call) -> ast.Call:
        node.args = [self.visit(a) for a in node.args]
        if node.func.id in self.mapping:
            node.func = ast.Name(self.mapping[node.func.id], ast.Load())
        return node

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.Name(self.mapping.get(node.id, node.id), ast.Load())


def rename(tree: ast.expr, mapping: dict[str, str]) -> ast.expr:
    """A copy of the tree with names (variables and lookups) replaced."""
    return _Renamer(mapping).visit(copy.deepcopy(tree))


@dataclass(frozen=True)
class Delay:
    """A DELAY1/DELAY3 call found in an equation, to be expanded into explicit stocks."""

    output: str
    order: int
    input: ast.expr
    time: ast.expr


def extract_delays(tree: ast.expr, owner: str) -> tuple[ast.expr, list[Delay]]:
    """Replace each delay call by the name of its output; return the new tree and the delays."""
    found: list[Delay] = []

    class _Cut(ast.NodeTransformer):
        def visit_Call(self, node: ast.Call) -> ast.AST:
            node.args = [self.visit(a) for a in node.args]
            if node.func.id in DELAYS:
                out = f"{owner}_delay{len(found) + 1}"
                found.append(Delay(out, 1 if node.func.id == "DELAY1" else 3, node.args[0], node.args[1]))
                return ast.Name(out, ast.Load())
            return node

    new = _Cut().visit(copy.deepcopy(tree))
    return new, found


def to_numpy(tree: ast.expr, lookups: frozenset[str] = frozenset()) -> str:
    """Python source evaluating the equation on numpy arrays (names are left as they are)."""
    def emit(n: ast.expr) -> str:
        if isinstance(n, ast.Constant):
            return repr(float(n.value))
        if isinstance(n, ast.Name):
            return n.id
        if isinstance(n, ast.UnaryOp):
            return f"(-{emit(n.operand)})" if isinstance(n.op, ast.USub) else emit(n.operand)
        if isinstance(n, ast.BinOp):
            return f"({emit(n.left)} {_BINOPS[type(n.op)]} {emit(n.right)})"
        if isinstance(n, ast.Compare):
            return f"({emit(n.left)} {_CMPOPS[type(n.ops[0])]} {emit(n.comparators[0])})"
        fn, args = n.func.id, [emit(a) for a in n.args]
        if fn in lookups:
            return f"_np.interp({args[0]}, _LX_{fn}, _LY_{fn})"
        if fn in ("MIN", "MAX"):
            out = args[0]
            for a in args[1:]:
                out = f"{_NUMPY[fn]}({out}, {a})"
            return out
        return f"{_NUMPY[fn]}({', '.join(args)})"
    return emit(tree)


def to_xmile(tree: ast.expr) -> str:
    """The equation in XMILE syntax (IF THEN ELSE, ^ for powers, = and <> for equality)."""
    def emit(n: ast.expr) -> str:
        if isinstance(n, ast.Constant):
            return repr(float(n.value))
        if isinstance(n, ast.Name):
            return n.id
        if isinstance(n, ast.UnaryOp):
            return f"(-{emit(n.operand)})" if isinstance(n.op, ast.USub) else emit(n.operand)
        if isinstance(n, ast.BinOp):
            op = "^" if isinstance(n.op, ast.Pow) else _BINOPS[type(n.op)]
            return f"({emit(n.left)} {op} {emit(n.right)})"
        if isinstance(n, ast.Compare):
            op = {"==": "=", "!=": "<>"}.get(_CMPOPS[type(n.ops[0])], _CMPOPS[type(n.ops[0])])
            return f"({emit(n.left)} {op} {emit(n.comparators[0])})"
        fn, args = n.func.id, [emit(a) for a in n.args]
        if fn == "IF_THEN_ELSE":
            return f"(IF {args[0]} THEN {args[1]} ELSE {args[2]})"
        if fn in ("MIN", "MAX") and len(args) > 2:
            out = args[0]
            for a in args[1:]:
                out = f"{fn}({out}, {a})"
            return out
        return f"{fn}({', '.join(args)})"
    return emit(tree)
