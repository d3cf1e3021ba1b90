"""The ingest stage's service API: what the CLI and the web app ask of it (plain functions over a `Store`)."""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.store import Store
from joinedup.store.disclosure import policy

__all__ = ["IngestReport", "report"]


@dataclass(frozen=True)
class IngestReport:
    """Loads (newest first), files per load, and quarantine counts by file, field and reason (disclosure applied)."""

    store: str
    vault: str
    loads: list[dict]
    files: list[dict]
    quarantine: list[dict]

    def as_json(self) -> dict:
        """The `ingest report --json` object."""
        return {"store": self.store, "vault": self.vault, "loads": self.loads, "files": self.files,
                "quarantine": self.quarantine}


def report(store: Store) -> IngestReport:
    """What has been loaded into the store and what was quarantined."""
    if not store.has_table("load"):
        return IngestReport(str(store.paths.store), str(store.paths.vault), [], [], [])
    loads = store.fetchall("""
        SELECT l.load_id, CAST(l.started_at AS VARCHAR), CAST(l.finished_at AS VARCHAR), l.status,
               count(f.path), count(f.path) FILTER (WHERE f.skipped), coalesce(sum(f.rows_read), 0),
               coalesce(sum(f.rows_loaded), 0), coalesce(sum(f.rows_quarantined), 0)
        FROM load l LEFT JOIN load_file f USING (load_id)
        GROUP BY ALL ORDER BY 2 DESC""")
    files = store.fetchall("""
        SELECT load_id, path, source, format, rows_read, rows_loaded, rows_quarantined, skipped
        FROM load_file ORDER BY load_id, path""")
    quarantine = store.fetchall("""
        SELECT path, source, field, regexp_replace(reason, 'row [0-9]+', 'row N') AS reason, count(*) AS n,
               count(*) FILTER (WHERE row_rejected) AS rejected
        FROM quarantine GROUP BY ALL ORDER BY path, n DESC, field, reason""")
    show = policy().count
    return IngestReport(
        str(store.paths.store), str(store.paths.vault),
        [dict(zip(("load_id", "started_at", "finished_at", "status", "files", "files_skipped", "rows_read",
                   "rows_loaded", "rows_quarantined"), r)) for r in loads],
        [dict(zip(("load_id", "path", "source", "format", "rows_read", "rows_loaded", "rows_quarantined",
                   "skipped"), r)) for r in files],
        [{"path": r[0], "source": r[1], "field": r[2], "reason": r[3], "values": show(r[4]),
          "in_rejected_rows": show(r[5])} for r in quarantine])
