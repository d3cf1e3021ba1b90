"""Fixtures for the format tests: one synthetic place with its returns, and the DfE validators' own venv.

The validators pin numpy 1.24 / pandas 1.5, so they live in a venv of their own, made once here
(from PyPI, about 30 s) at $JOINEDUP_VALIDATORS_VENV or ~/.cache/joinedup/validators-venv.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from joinedup.synth.place import synthesise
from joinedup.validate import validate_path
from joinedup.validate.official import install_validators, venv_python

#: People in the place the validators check: enough children looked after for most 903 rules to bite
#: (JOINEDUP_FORMATS_PEOPLE makes it smaller on a shared machine, e.g. 5000).
PEOPLE = int(os.environ.get("JOINEDUP_FORMATS_PEOPLE", "20000"))


@pytest.fixture(scope="session")
def place(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("formats") / "place"
    synthesise(PEOPLE, 5, root, "csv", force=True)
    return root


@pytest.fixture(scope="session")
def validators() -> Path:
    return venv_python() or install_validators()


@pytest.fixture(scope="session")
def checked(place, validators):
    """`joinedup validate` on the whole place (both validators, every year), run once for the session."""
    mp = pytest.MonkeyPatch()
    mp.setenv("JOINEDUP_VALIDATORS_VENV", str(validators.parent.parent))
    try:
        return validate_path(place)
    finally:
        mp.undo()
