"""docs/models.md and its diagrams are generated from the models: they must be up to date."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from joinedup.model.catalogue import flat_model, model_names, model_spec
from joinedup.model.diagram import diagram_svg

ROOT = Path(__file__).resolve().parents[2]


def _builder():
    spec = importlib.util.spec_from_file_location("build_model_docs", ROOT / "scripts" / "build_model_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_models_doc_is_current():
    text = (ROOT / "docs" / "models.md").read_text()
    assert text == _builder().build(write_diagrams=False), "run python scripts/build_model_docs.py"


def test_every_parameter_and_its_source_is_documented():
    text = (ROOT / "docs" / "models.md").read_text()
    for name in model_names():
        for p, prm in model_spec(name).parameters.items():
            assert f"`{p}`" in text and " ".join(prm.source.split())[:40] in text


def test_diagrams_are_current():
    for name in model_names():
        assert (ROOT / "docs" / "models" / f"{name}.svg").read_text() == diagram_svg(flat_model(name)), name
