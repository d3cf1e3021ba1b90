"""XMILE export: PySD runs the exported model and matches joinedup's Euler run on every stock at every step."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from joinedup.model.catalogue import flat_model, model_names
from joinedup.model.compile import compile_model
from joinedup.model.engine import integrate, sample
from joinedup.model.xmile import XMILE_NS, write_xmile

pysd = pytest.importorskip("pysd")

WEEKS = 260


@pytest.mark.parametrize("name", model_names() + ["system"])
def test_pysd_matches_joinedup_on_every_stock_at_every_step(name, tmp_path):
    flat = flat_model(name)
    path = write_xmile(flat, tmp_path / f"{name}.xmile", weeks=WEEKS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pysd.read_xmile(str(path)).run()
    c = compile_model(flat, observe=list(flat.stocks))
    ours = integrate(c, sample(flat, 1, None, uncertain=False), {}, runs=1, weeks=WEEKS)
    assert len(frame) == WEEKS + 1
    for stock in flat.stocks:
        theirs = frame[stock].to_numpy()
        mine = ours.values[stock][:, 0]
        np.testing.assert_allclose(theirs, mine, rtol=1e-6, atol=1e-9, err_msg=f"{name}: {stock}")


def test_export_expands_delays_and_lookups(tmp_path):
    flat = flat_model("children")
    root = ET.parse(write_xmile(flat, tmp_path / "c.xmile")).getroot()
    ns = {"x": XMILE_NS}
    stocks = {e.get("name") for e in root.iterfind(".//x:stock", ns)}
    assert {"approvals_delay1_s1", "approvals_delay1_s2", "approvals_delay1_s3"} <= stocks
    gfs = root.findall(".//x:aux/x:gf", ns)
    assert gfs and all(g.find("x:xpts", ns) is not None for g in gfs)
    assert "DELAY" not in ET.tostring(root, encoding="unicode")
