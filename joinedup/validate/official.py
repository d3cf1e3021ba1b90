"""The DfE's own validators, run in a virtual environment of their own (they pin numpy 1.24 and pandas 1.5).

The environment is found at $JOINEDUP_VALIDATORS_VENV, else ~/.cache/joinedup/validators-venv;
`joinedup validate --install-validators` (or the test set-up) makes it from PyPI. Without it,
`joinedup validate` runs joinedup's own checks only and says so. Each validator runs in a
subprocess (joinedup/validate/official_runner.py) that prints JSON without child ids.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from joinedup.errors import UserError

__all__ = ["VENV_ENV", "PACKAGES", "venv_path", "venv_python", "install_validators", "Official", "run_903",
           "ruleset_903", "run_cin", "ruleset_cin", "KNOWN_FAULTS"]

VENV_ENV = "JOINEDUP_VALIDATORS_VENV"
#: The validators and the versions joinedup's returns are checked with.
PACKAGES = {"csc-validator-be-903": "0.1.17", "csc-validator-be-cin": "0.1.13"}
_RUNNER = Path(__file__).with_name("official_runner.py")
_903_RULESETS = ("lac2022_23", "lac2023_24", "lac2024_25", "lac2025_26", "lac2026_27")
_CIN_RULESETS = ("cin2022_23", "cin2023_24", "cin2024_25", "cin2025_26", "cin2026_27")
#: Faults of the validators themselves: a flag of these rules says nothing about the data.
KNOWN_FAULTS = {
    ("lac2024_25", "146"): "the 2024-25 rule lists supported accommodation as 'k3' in lower case while the "
                           "validator upper-cases every value, so a valid K3 placement is always flagged",
}


def venv_path() -> Path:
    """Where the validators' environment is (or would be made)."""
    env = os.environ.get(VENV_ENV, "").strip()
    return Path(env) if env else Path.home() / ".cache" / "joinedup" / "validators-venv"


def venv_python() -> Path | None:
    """The validators' interpreter, if the environment exists and holds both validators."""
    py = venv_path() / "bin" / "python"
    if not py.exists():
        return None
    ok = subprocess.run([str(py), "-c", "import lac_validator, cin_validator"], capture_output=True)
    return py if ok.returncode == 0 else None


def install_validators() -> Path:
    """Make the validators' environment (python -m venv, pip install the pinned validators); its interpreter."""
    path = venv_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    steps = [[sys.executable, "-m", "venv", str(path)],
             [str(path / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
              *[f"{k}=={v}" for k, v in PACKAGES.items()]]]
    for cmd in steps:
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
            raise UserError(f"could not install the DfE validators: {last[0][:300]}", file=str(path))
    py = venv_python()
    if py is None:
        raise UserError("the DfE validators installed but do not import", file=str(path))
    return py


@dataclass
class Official:
    """One official validator's result on one return."""

    validator: str
    ruleset: str
    rules_run: list[str] = field(default_factory=list)
    rules_skipped: list[str] = field(default_factory=list)
    rules_crashed: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)
    refused: str | None = None


def _nearest(prefix: str, shipped: tuple[str, ...], end_year: int) -> str:
    want = f"{prefix}{end_year - 1}_{str(end_year)[2:]}"
    if want in shipped:
        return want
    return shipped[0] if want < shipped[0] else shipped[-1]


def ruleset_903(end_year: int) -> str:
    """The lac rule set for the collection year ending 31 March `end_year` (the nearest one shipped)."""
    return _nearest("lac", _903_RULESETS, end_year)


def ruleset_cin(end_year: int) -> str:
    """The CIN rule set for the census year ending 31 March `end_year` (the nearest one shipped)."""
    return _nearest("cin", _CIN_RULESETS, end_year)


def run_cin(py: Path, path: Path, end_year: int) -> Official:
    """csc-validator-be-cin on one census year's XML."""
    rs = ruleset_cin(end_year)
    return _run(py, ["cin", rs, str(path)], f"csc-validator-be-cin {PACKAGES['csc-validator-be-cin']}", rs)


def run_903(py: Path, files: list[Path], end_year: int, la_code: str) -> Official:
    """csc-validator-be-903 on one year's tables."""
    rs = ruleset_903(end_year)
    return _run(py, ["903", rs, str(end_year), la_code, *map(str, files)],
                f"csc-validator-be-903 {PACKAGES['csc-validator-be-903']}", rs)


def _run(py: Path, args: list[str], name: str, rs: str) -> Official:
    done = subprocess.run([str(py), str(_RUNNER), *args], capture_output=True, text=True)
    try:
        out = json.loads(done.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return Official(name, rs,
                        refused=f"the validator stopped: {(done.stderr.strip().splitlines() or ['?'])[-1][:300]}")
    o = Official(name, rs, refused=out.get("refused"))
    if not o.refused:
        o.rules_run, o.rules_skipped = out["rules_run"], out["rules_skipped"]
        o.rules_crashed, o.flags = out["rules_crashed"], out["flags"]
    return o
