"""The glossary's step of `joinedup demo`: explain a sample joint board paper, as self-contained HTML."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from joinedup.console import err
from joinedup.glossary import explain, load_glossary

if TYPE_CHECKING:
    from joinedup.demo import DemoContext

__all__ = ["run", "SAMPLE_PAPER"]

SAMPLE_PAPER = "sample_board_paper.md"


def run(ctx: DemoContext) -> None:
    """Write ctx.workspace/'explained-paper.html' with every term of the sample paper explained."""
    text = (resources.files("joinedup.glossary") / "data" / SAMPLE_PAPER).read_text(encoding="utf-8")
    g = load_glossary()
    html_out = explain(text, fmt="html", name=SAMPLE_PAPER)
    path = ctx.workspace / "explained-paper.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_out, encoding="utf-8")
    ctx.made["explained paper"] = path
    err.print(f"glossary: {len(g)} terms; explained the sample board paper -> {path}")
