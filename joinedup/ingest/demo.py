"""The ingest step of `joinedup demo`: load the synthetic place into the store."""

from __future__ import annotations

from joinedup.console import err, out
from joinedup.ingest.loader import ingest

__all__ = ["run"]


def run(ctx) -> None:
    """Ingest ctx.place into ctx.store, print totals and record the store in ctx.made."""
    result = ingest([ctx.place], ctx.store)
    t = result.totals()
    skipped = sum(f.skipped for f in result.files)
    out.print(f"ingest: {len(result.files)} files ({skipped} already loaded), {t['rows_read']:,} rows read, "
              f"{t['rows_loaded']:,} loaded, {t['rows_quarantined']:,} quarantined")
    err.print(f"pseudonym key: {result.key_origin}")
    ctx.made["store"] = ctx.store
