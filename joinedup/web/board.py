"""The board pack: overview, paradox flags, actions due with their measures' trends, the agenda's balance,
peers and one scenario, for one financial year, as HTML and as PDF (WeasyPrint).

The figures come from the same functions the app's pages call (`StoreData`, the verdicts, the
balance) over a store opened read-only; charts are matplotlib Figures embedded as SVG, so the
HTML is one self-contained file and the PDF needs no browser.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from joinedup.errors import UserError
from joinedup.web.balance import SIX_MONTHS, balance, neglected
from joinedup.web.data import SECTOR_LABELS, StoreData
from joinedup.web.render import env
from joinedup.web.state.db import State
from joinedup.web.state.joint import list_actions, list_meetings
from joinedup.web.verdict import verdict

__all__ = ["BoardPack", "board_pack", "render_html", "write_pdf", "write_board", "saved_run", "DEFAULT_SCENARIO"]

#: The scenario a pack runs when the app has no saved run (a saved run attached to an action comes first).
DEFAULT_SCENARIO = "reablement-expansion"


@dataclass
class BoardPack:
    """Everything one pack shows, ready for the template."""

    period: str
    start: date
    end: date
    made: date
    context: dict


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue().encode()).decode()


def _balance_chart(quarters) -> str | None:
    from matplotlib.figure import Figure
    if not quarters:
        return None
    fig = Figure(figsize=(7, 2.6))
    ax = fig.add_subplot()
    labels = [q.quarter for q in quarters]
    up, io_ = [q.urgent_process for q in quarters], [q.important_outcome for q in quarters]
    other = [100 - a - b for a, b in zip(up, io_)]
    ax.bar(labels, up, color="#b3261e", label="urgent process")
    ax.bar(labels, io_, bottom=up, color="#1e6b34", label="important outcome")
    ax.bar(labels, other, bottom=[a + b for a, b in zip(up, io_)], color="#c9ced4", label="other")
    ax.set_ylabel("% of agenda minutes")
    ax.set_ylim(0, 100)
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), frameon=False, fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    return _svg(fig)


def _fan_chart(result: dict, names: list[str]) -> str | None:
    from matplotlib.figure import Figure
    names = [n for n in names if n in result["indicators"]][:3]
    if not names:
        return None
    fig = Figure(figsize=(7.5, 2.4 * len(names)))
    years = [w / 52.18 for w in result["weeks"]]
    for i, n in enumerate(names, 1):
        ind = result["indicators"][n]
        ax = fig.add_subplot(len(names), 1, i)
        for key, colour in (("baseline", "#6b7280"), ("scenario", "#1d5b8f")):
            band = ind[key]
            ax.fill_between(years, band["p5"], band["p95"], color=colour, alpha=0.25, linewidth=0)
            ax.plot(years, band["p50"], color=colour, label=f"{key} (median, 5-95%)")
        ax.set_title(f"{ind['title']} ({ind['units']})", fontsize=9)
        ax.tick_params(labelsize=8)
        if i == 1:
            ax.legend(fontsize=7, frameon=False)
    fig.axes[-1].set_xlabel("years from now")
    fig.tight_layout()
    return _svg(fig)


def saved_run(state: State) -> tuple[int, dict] | None:
    """The saved scenario run a pack shows: the newest attached to an action, else the newest saved (None if none)."""
    from joinedup.web.state.jobs import job_result, saved_runs
    runs = [j for j in saved_runs(state) if j.kind == "scenario"]
    for job in sorted(runs, key=lambda j: (j.action_id is not None, j.id), reverse=True):
        result = job_result(state, job.id)
        if result is not None:
            return job.id, result
    return None


def _scenario(runs: int, state: State | None = None) -> dict:
    from joinedup.model import api
    saved = saved_run(state) if state is not None else None
    if saved is not None:
        job_id, result = saved
    else:
        job_id, result = None, api.simulate(DEFAULT_SCENARIO, runs=runs, years=3, seed=1).to_json()
    rows = []
    for n in result["answer"]:
        ind = result["indicators"].get(n)
        if ind:
            rows.append({"title": ind["title"], "units": ind["units"], "baseline": ind["baseline"]["p50"][-1],
                         "scenario": ind["scenario"]["p50"][-1], "low": ind["difference"]["p5"][-1],
                         "high": ind["difference"]["p95"][-1], "median": ind["difference"]["p50"][-1]})
    return {"title": result["title"], "question": result["question"], "runs": result["runs"], "rows": rows,
            "chart": _fan_chart(result, result["answer"]), "name": result["scenario"], "saved_run": job_id,
            "years": result["years"]}


def board_pack(data: StoreData, state: State, period: str, *, runs: int = 200, today: date | None = None) -> BoardPack:
    """The pack for one financial year of the store (a year it does not cover is a UserError)."""
    from joinedup.measures.periods import financial_year, parse_financial_year
    from joinedup.web.routes.overview import overview_model
    fy = financial_year(parse_financial_year(period))
    years = data.years()
    if period not in years:
        raise UserError(f"the store covers {', '.join(years) or 'no complete year'}; {period} is not among them",
                        field="period")
    overview = overview_model(data)
    actions = list_actions(state)
    due = [a for a in actions if a.status in ("agreed", "in_progress") and a.review_on <= fy.end]
    due_rows = [{"a": a, "verdicts": [verdict(data, m, a.agreed_on) for m in a.outcome_measures]} for a in due]
    meetings = [m for m in list_meetings(state) if fy.start <= m.held_on <= fy.end]
    quarters = balance(meetings)
    outcomes = [m for m in data.catalogue() if m.kind == "outcome"]
    quiet = set(neglected([m.id for m in outcomes], actions, list_meetings(state), fy.end))
    context = {"overview": overview, "flags": overview["flags"], "due": due_rows, "quarters": quarters,
               "balance_chart": _balance_chart(quarters), "neglected": [m for m in outcomes if m.id in quiet],
               "since": fy.end - SIX_MONTHS, "outcome_count": len(outcomes), "peers": data.peers(),
               "scenario": _scenario(runs, state), "SECTOR_LABELS": SECTOR_LABELS,
               "titles": {m.id: m.title for m in data.catalogue()}}
    return BoardPack(period, fy.start, fy.end, today or date.today(), context)


def render_html(pack: BoardPack) -> str:
    """The pack as one self-contained HTML page (print styles included)."""
    return env.get_template("board.html").render(pack=pack, **pack.context)


def write_pdf(html: str, out: Path) -> None:
    """Lay out the HTML as an A4 PDF with WeasyPrint."""
    from weasyprint import HTML
    HTML(string=html).write_pdf(str(out))


def write_board(store: Path, state: State, period: str, out: Path, *, runs: int = 200) -> BoardPack:
    """Write the pack to out (.pdf or .html)."""
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".html"):
        raise UserError("the board pack is written as .pdf or .html", field="out")
    data = StoreData(store)
    try:
        pack = board_pack(data, state, period, runs=runs)
    finally:
        data.close()
    html = render_html(pack)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".html":
        out.write_text(html, encoding="utf-8")
    else:
        write_pdf(html, out)
    return pack
