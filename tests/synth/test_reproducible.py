"""The same seed gives the same place on any machine: nothing but the seed (and the version) shapes the files.

Each run is a fresh process with another thread count, string-hash seed, time zone, locale and set of SIMD
instructions numpy may use, so what a machine decides (its cores, its CPU, the process's hash randomisation,
its clock's zone) cannot reach the files. The CPU is the one that bit: numpy's default argsort and its
argpartition order equal or unselected items by the SIMD sort the CPU has (AVX2, AVX-512 or none), so a
machine with other instructions made another place from the same seed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from joinedup.synth.returns.cld import stable_hash

ROOT = Path(__file__).resolve().parents[2]

#: numpy's SIMD levels above its x86-64 baseline (numpy 2 names, then numpy 1 names; unknown names are ignored).
_SIMD = "X86_V3 X86_V4 AVX512_ICL AVX512_SPR AVX2 FMA3 AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL"
#: Two machines as unlike as environment variables can make them on one machine: an old one with one
#: thread and no SIMD beyond the baseline, and a big one with 8 threads and whatever SIMD this CPU has.
MACHINES = {
    "small": {"POLARS_MAX_THREADS": "1", "PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C",
              "NPY_DISABLE_CPU_FEATURES": _SIMD},
    "big": {"POLARS_MAX_THREADS": "8", "PYTHONHASHSEED": "12345", "TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8",
            "NPY_DISABLE_CPU_FEATURES": ""},
}


def _synth(out: Path, machine: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **machine, "PYTHONPATH": str(ROOT), "JOINEDUP_SYNTH_BATCH_PEOPLE": "500"}
    # 1,000 people in two batches with the paradoxes planted: every step a default place takes, and the batch joins
    subprocess.run([sys.executable, "-m", "joinedup", "synth", "--people", "1000", "--seed", "5", "--paradoxes",
                    "--out", str(out)], env=env, check=True, capture_output=True, cwd=out.parent)
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()}


def test_the_same_seed_gives_the_same_bytes_on_unlike_machines(tmp_path):
    small = _synth(tmp_path / "small", MACHINES["small"])
    big = _synth(tmp_path / "big", MACHINES["big"])
    assert len(small) > 50 and any(p.startswith("returns/") for p in small)
    assert small.keys() == big.keys()
    assert [p for p in sorted(small) if small[p] != big[p]] == []


def test_the_cld_return_does_not_use_polars_version_bound_hash(tmp_path, monkeypatch):
    # polars' hash is stable only within one polars version: a place made with it changes on upgrade
    def refuse(*_args, **_kwargs):
        raise AssertionError("polars hash used: its values change between polars versions")

    monkeypatch.setattr(pl.Expr, "hash", refuse)
    monkeypatch.setattr(pl.Series, "hash", refuse)
    from joinedup.synth.place import synthesise

    out = tmp_path / "p"
    result = synthesise(1_000, 3, out)
    cld = next(r for r in result.manifest["returns"] if r["form"] == "asc_cld")
    quarter = pl.read_csv(out / cld["path"] / cld["years"][-1]["file"], infer_schema=False)
    assert quarter.height > 0 and quarter["Provider_CQC_Location_ID"].drop_nulls().len() > 0


def test_stable_hash_is_blake2b_of_the_salted_text():
    values = pl.Series(["A1", None, "A1", "B22"])
    got = stable_hash(values, "9|flags").to_list()
    want = [int.from_bytes(hashlib.blake2b(f"9|flags|{v}".encode(), digest_size=8).digest(), "little")
            for v in ("A1", "", "A1", "B22")]
    assert got == want
    assert got[0] != stable_hash(values, "10|flags")[0]


@pytest.mark.parametrize("values", [pl.Series([1, 2, None]), pl.Series(["x", "y", "z"])])
def test_stable_hash_keeps_length_and_order(values):
    h = stable_hash(values, "s")
    assert h.len() == values.len() and h.dtype == pl.UInt64
    assert h.to_list() == [stable_hash(pl.Series([v]), "s")[0] for v in values.to_list()]
