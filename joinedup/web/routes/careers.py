"""Careers, recruitment and retention: the workforce extracts, peers where published, routes and their scenarios."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from joinedup.web.auth import allow, may
from joinedup.web.careers import (CAREER_SCENARIOS, GROUPS, foster_figures, model_assumptions, peer_doc, peer_rows,
                                  route_counts, workforce_figures)
from joinedup.web.fans import summary_rows
from joinedup.web.render import page
from joinedup.web.state import jobs as store

__all__ = ["router", "career_runs"]

router = APIRouter()


def career_runs(state, user) -> list[dict]:
    """Each careers scenario with its latest finished run's answer (saved runs first), or none yet."""
    from joinedup.model import api
    out = []
    for name in CAREER_SCENARIOS:
        sc = api.scenario(name)
        run = store.latest_done(state, name, user.name)
        rows = None
        if run is not None:
            result = store.job_result(state, run.id)
            rows = summary_rows(result, [n for n in result["answer"] if n in result["indicators"]])
        out.append({"name": name, "title": sc.title, "question": " ".join(sc.question.split()), "run": run, "rows": rows,
                    "changes": [c.model_dump(exclude_none=True) for c in sc.changes]})
    return out


@router.get("/careers")
def careers_page(request: Request, user=allow("careers")) -> Response:
    """Care workers, nurses, social workers and foster carers: the extracts, peers, cross-sector routes, scenarios."""
    data = request.app.state.data

    def compute():
        s = data.reader()
        return {"groups": workforce_figures(s), "routes": route_counts(s), "foster": foster_figures(s),
                "peers": peer_rows(peer_doc(s))}
    figures = data.cached(("careers",), compute)
    st = request.app.state.state
    return page(request, "careers.html", title="Careers", **figures,
                model=model_assumptions(), runs=career_runs(st, user), can_run=may(user, "scenarios"),
                active=store.active_job(st, user.name), group_labels={g[0]: g[1] for g in GROUPS})
