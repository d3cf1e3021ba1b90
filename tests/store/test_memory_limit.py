"""Every store DuckDB opens works within a memory limit (JOINEDUP_MEMORY, else 3 GB) and spills beside the store."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest

from joinedup.errors import UserError
from joinedup.store import Store, paths_for
from joinedup.store.memory import DEFAULT_MEMORY_MB, MEMORY_ENV, engine_memory_limit

_UNIT = {"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def _bytes(setting: str) -> float:
    """DuckDB's read-back of a size ("2.8 GiB", "300.0 MB") in bytes."""
    number, unit = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?i?B)\s*", setting, re.I).groups()
    return float(number) * _UNIT[unit.upper()]


def _settings(store: Store) -> tuple[float, str]:
    (limit, temp), = store.fetchall("SELECT current_setting('memory_limit'), current_setting('temp_directory')")
    return _bytes(limit), temp


@pytest.fixture
def db(tmp_path):
    db = tmp_path / "m.duckdb"
    with Store.open(db, "write", create=True) as s:
        s.write_arrow("t", pa.table({"a": [1, 2, 3]}))
    return db


def test_a_store_opens_within_3gb_by_default_and_spills_beside_itself(db, monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    for mode in ("analysis", "write"):
        with Store.open(db, mode) as s:
            limit, temp = _settings(s)
        # 3 GB, or half the machine when that is less; never DuckDB's own default of 80% of the machine
        assert 0.1 * 2**30 < limit <= DEFAULT_MEMORY_MB * 1e6 * 1.01, (mode, limit)
        assert abs(limit - int(engine_memory_limit().removesuffix("MB")) * 1e6) < 0.1 * 2**30  # read back to 0.1 GiB
        assert temp == str(paths_for(db).temp_dir)


def test_joinedup_memory_overrides_the_default_and_an_explicit_limit_wins(db, monkeypatch):
    monkeypatch.setenv(MEMORY_ENV, "6GB")
    with Store.open(db) as s:
        assert abs(_settings(s)[0] - 6e9) < 0.1 * 2**30  # read back to 0.1 GiB
    with Store.open(db, memory_limit="700MB") as s:
        assert abs(_settings(s)[0] - 700e6) < 2**20
    with Store.memory() as s:  # a scratch store takes the same limit, and spills in the system's temp space
        limit, temp = _settings(s)
    assert abs(limit - 6e9) < 0.1 * 2**30 and "joinedup-" in temp and temp.endswith(".tmp")


def test_stage_variables_come_before_joinedup_memory(monkeypatch):
    monkeypatch.setenv(MEMORY_ENV, "6GB")
    monkeypatch.delenv("JOINEDUP_LINK_MEMORY", raising=False)
    assert engine_memory_limit("JOINEDUP_LINK_MEMORY") == "6GB"
    monkeypatch.setenv("JOINEDUP_LINK_MEMORY", "2GB")
    assert engine_memory_limit("JOINEDUP_LINK_MEMORY") == "2GB"
    assert engine_memory_limit("JOINEDUP_LINK_MEMORY", "1GB") == "1GB"


def test_a_joinedup_memory_not_understood_is_one_line_naming_the_variable(db, monkeypatch, run_cli):
    monkeypatch.setenv(MEMORY_ENV, "lots")
    with pytest.raises(UserError, match=r"memory limit 'lots' not understood \(from JOINEDUP_MEMORY"):
        Store.open(db)
    code, _, err = run_cli("store", "info", "--db", str(db))
    assert code == 2 and err.strip().startswith("error:") and "JOINEDUP_MEMORY" in err
    assert len(err.strip().splitlines()) == 1
