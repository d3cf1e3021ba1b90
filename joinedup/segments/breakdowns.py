"""The breakdowns this stage offers the measures stage (found through joinedup.stages.breakdown_view)."""

from __future__ import annotations

from joinedup.segments.assign import segment_select

__all__ = ["VIEWS"]

#: Breakdown name -> the query (for one period) giving each person's segment.
VIEWS = {"segment": segment_select}
