"""link: one person index across every source, families, and linkage quality that is measured.

Exact agreement on a verified NHS number (and on a unique pupil number, and on one system's own
local id) first; then Fellegi-Sunter with Splink on the rest; clusters by connected components
with a guard against chaining distinct people; stable person ids; households and parent-child
families. See docs/linkage.md.
"""

__all__: list[str] = []
