"""Population segments: adults by need (Bridges to Health), children by level of need, families.

Segments are data (YAML under library/), checked with the measures stage's SQL checker; each person
(or family) falls in the first segment of its group whose condition holds in the period.
"""

from joinedup.segments.spec import Segment, SegmentGroup, load_groups

__all__ = ["Segment", "SegmentGroup", "load_groups"]
