"""Are two stores the same, table by table? Rows differing both ways (`EXCEPT ALL`) for every table of store and vault.

    python benchmarks/compare_stores.py A.duckdb B.duckdb

For two loads of the same files with the same pseudonym key (JOINEDUP_KEY) by two versions of the
code. Left out: the columns naming a load or its clock (load_id, started_at, finished_at,
superseded_by) and the vault's sealed values (a seal draws a random nonce; joinedup.store.vaultcrypt).
Prints one JSON line per table (rows in A, rows in B, rows only in A, rows only in B), then the
number of tables that differ; exits 1 when any does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_LEFT_OUT = {"load_id", "started_at", "finished_at", "superseded_by"}


def _tables(con, catalog: str) -> dict[str, list[str]]:
    rows = con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = ? "
                       "ORDER BY table_name, column_index", [catalog]).fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def compare(a: Path, b: Path) -> list[dict]:
    """One row per table of either store or vault: counts and rows only on each side."""
    import duckdb

    sys.path.insert(0, str(ROOT))
    from joinedup.store.vaultcrypt import SEALED

    con = duckdb.connect()
    out = []
    for kind, suffix in (("store", ".duckdb"), ("vault", ".vault.duckdb")):
        for side, path in (("a", a), ("b", b)):
            con.execute(f"ATTACH '{str(path)[:-len('.duckdb')] + suffix}' AS {kind}_{side} (READ_ONLY)")
        ta, tb = _tables(con, f"{kind}_a"), _tables(con, f"{kind}_b")
        for table in sorted(set(ta) | set(tb)):
            sealed = set(SEALED.get(table.removesuffix("_undo"), ())) if kind == "vault" else set()
            cols = [c for c in ta.get(table, []) if c in tb.get(table, []) and c not in _LEFT_OUT | sealed]
            row = {"table": f"{kind}.{table}", "columns": len(cols)}
            if table not in ta or table not in tb or not cols:
                row["differs"] = "missing on one side" if table not in ta or table not in tb else "no columns"
                out.append(row)
                continue
            sel = ", ".join(f'"{c}"' for c in cols)
            qa, qb = f"SELECT {sel} FROM {kind}_a.{table}", f"SELECT {sel} FROM {kind}_b.{table}"
            row["rows_a"] = con.execute(f"SELECT count(*) FROM {kind}_a.{table}").fetchone()[0]
            row["rows_b"] = con.execute(f"SELECT count(*) FROM {kind}_b.{table}").fetchone()[0]
            row["only_a"] = con.execute(f"SELECT count(*) FROM ({qa} EXCEPT ALL {qb})").fetchone()[0]
            row["only_b"] = con.execute(f"SELECT count(*) FROM ({qb} EXCEPT ALL {qa})").fetchone()[0]
            out.append(row)
    return out


def main() -> None:
    """Print the comparison; exit 1 when a table differs."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    args = ap.parse_args()
    rows = compare(args.a, args.b)
    for row in rows:
        print(json.dumps(row))
    differ = [r["table"] for r in rows if r.get("differs") or r.get("only_a") or r.get("only_b")
              or r.get("rows_a") != r.get("rows_b")]
    print(json.dumps({"tables": len(rows), "tables_differing": len(differ)}))
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
