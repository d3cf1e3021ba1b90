"""The board pack: `joinedup report board` writes PDF and HTML; every PDF page, rendered by pdftoppm, has content."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from joinedup.cli import app as cli


@pytest.fixture(scope="module")
def seeded(place_store, tmp_path_factory) -> Path:
    """The place's store with demo actions and meetings in its state."""
    from joinedup.measures import api
    from joinedup.store import Store
    from joinedup.web.demo_content import seed
    from joinedup.web.state import default_state_url, open_state
    root = tmp_path_factory.mktemp("board")
    store = root / "store.duckdb"
    shutil.copy(place_store, store)
    with Store.open(store, "analysis") as s:
        years = api.coverage(s)
    state = open_state(default_state_url(store))
    seed(state, years, {m.id for m in api.library()})
    state.close()
    return store


def _ink(pgm: Path) -> float:
    """Share of pixels darker than light grey in a binary PGM (pdftoppm -gray)."""
    raw = pgm.read_bytes()
    parts = raw.split(maxsplit=4)
    assert parts[0] == b"P5"
    width, height = int(parts[1]), int(parts[2])
    pixels = parts[4][-(width * height):]
    return sum(1 for b in pixels if b < 200) / (width * height)


def test_board_pack_pdf_pages_each_have_content(seeded, tmp_path):
    if not shutil.which("pdftoppm"):
        if os.environ.get("CI"):
            pytest.fail("pdftoppm not found (.ci/run installs poppler-utils)")
        pytest.skip("pdftoppm (poppler-utils) not found")
    out = tmp_path / "board.pdf"
    r = CliRunner().invoke(cli, ["report", "board", "--db", str(seeded), "--period", "2024-25", "--out", str(out),
                                 "--runs", "20"])
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-gray", "-r", "30", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.pgm"))
    assert len(pages) >= 6, "a title page and one page or more per part"
    for p in pages:
        assert _ink(p) > 0.005, f"{p.name} is blank"


def test_board_pack_html_holds_every_part_and_the_demo_actions(seeded, tmp_path):
    out = tmp_path / "board.html"
    r = CliRunner().invoke(cli, ["report", "board", "--db", str(seeded), "--period", "2024-25", "--out", str(out),
                                 "--runs", "20"])
    assert r.exit_code == 0, r.output
    html = out.read_text()
    for part in ("1. Overview", "2. Where a process improves", "3. Actions due", "4. The agenda", "5. Peers", "6. Scenario"):
        assert part in html
    assert "Home first: discharge to assess" in html and "demo content" in html
    assert "2024-25 Q4" in html and "data:image/svg+xml;base64," in html


@pytest.mark.parametrize("args, message", [
    (["--period", "2030-31", "--out", "b.pdf"], "2030-31 is not among them"),
    (["--period", "2024", "--out", "b.pdf"], "is not a financial year"),
    (["--period", "2024-25", "--out", "b.docx"], "written as .pdf or .html")])
def test_board_pack_refuses_bad_input_in_one_line(seeded, run_cli, args, message):
    code, _, err = run_cli("report", "board", "--db", str(seeded), *args)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], err
