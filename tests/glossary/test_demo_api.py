"""The demo step and the Python API other stages call."""

from __future__ import annotations

import json

from joinedup.demo import DemoContext
from joinedup.glossary import explain, get, link_html, link_terms, search
from joinedup.glossary.demo import run


def test_demo_writes_explained_paper(tmp_path):
    ctx = DemoContext(workspace=tmp_path, people=1000)
    run(ctx)
    page = ctx.made["explained paper"]
    assert page == tmp_path / "explained-paper.html"
    html = page.read_text(encoding="utf-8")
    assert html.count('<abbr class="term') >= 30 and "No criteria to reside" in html


def test_api_surface():
    assert get("delayed_discharge").acronyms[0] == "DTOC"
    assert get("no_such") is None
    assert search("bed blocking", limit=1)[0].term.id == "delayed_discharge"
    assert "ae_4_hour_performance" in get("four_hour_standard").measures
    assert link_terms("A&E attendances seen within 4 hours (the 4-hour standard)") == [
        "emergency_department", "four_hour_standard"]
    report = json.loads(explain("CiNs and LACs", for_sector="nhs"))
    assert [m["term_id"] for m in report["matches"]] == ["child_in_need", "child_looked_after"]


def test_link_html_for_screen_labels():
    out = link_html("Delayed discharges <today> & s47s", link="/glossary/{id}")
    assert out.startswith('<abbr class="term" title="Delayed discharge (DTOC): A patient')
    assert '<a href="/glossary/delayed_discharge">Delayed discharges</a></abbr>' in out
    assert "&lt;today&gt; &amp; " in out and '<a href="/glossary/section_47">s47s</a>' in out
