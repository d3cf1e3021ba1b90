"""`joinedup ingest report`: the loads so far and the quarantine grouped by file, field and reason."""

from __future__ import annotations

from pathlib import Path

from joinedup.errors import UserError
from joinedup.store.engine import vault_path_for

__all__ = ["report", "suppress"]

#: Counts of 1-7 are suppressed in aggregate output (shown as "<8").
SMALL = 8


def suppress(n: int) -> int | str:
    """A count, or '<8' when it is 1-7 (small-number suppression)."""
    return "<8" if 0 < n < SMALL else n


def report(db: Path) -> dict:
    """Loads (newest first), files per load, and quarantine counts by file, field and reason."""
    import duckdb

    if not Path(db).exists():
        raise UserError("no such store (run joinedup ingest first)", file=str(db))
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as e:
        raise UserError(f"cannot open the store: {str(e).splitlines()[0]}", file=str(db)) from None
    try:
        loads = con.execute("""
            SELECT l.load_id, CAST(l.started_at AS VARCHAR), CAST(l.finished_at AS VARCHAR), l.status,
                   count(f.path), count(f.path) FILTER (WHERE f.skipped), coalesce(sum(f.rows_read), 0),
                   coalesce(sum(f.rows_loaded), 0), coalesce(sum(f.rows_quarantined), 0)
            FROM load l LEFT JOIN load_file f USING (load_id)
            GROUP BY ALL ORDER BY 2 DESC""").fetchall()
        files = con.execute("""
            SELECT load_id, path, source, format, rows_read, rows_loaded, rows_quarantined, skipped
            FROM load_file ORDER BY load_id, path""").fetchall()
        quarantine = con.execute("""
            SELECT path, source, field, reason, count(*) AS n, count(*) FILTER (WHERE row_rejected) AS rejected
            FROM quarantine GROUP BY ALL ORDER BY path, n DESC, field, reason""").fetchall()
    except duckdb.Error as e:
        raise UserError(f"not a joinedup store: {str(e).splitlines()[0]}", file=str(db)) from None
    finally:
        con.close()
    return {
        "store": str(db), "vault": str(vault_path_for(Path(db))),
        "loads": [dict(zip(("load_id", "started_at", "finished_at", "status", "files", "files_skipped", "rows_read",
                            "rows_loaded", "rows_quarantined"), r)) for r in loads],
        "files": [dict(zip(("load_id", "path", "source", "format", "rows_read", "rows_loaded", "rows_quarantined",
                            "skipped"), r)) for r in files],
        "quarantine": [{"path": r[0], "source": r[1], "field": r[2], "reason": r[3], "values": suppress(r[4]),
                        "in_rejected_rows": suppress(r[5])} for r in quarantine],
    }
