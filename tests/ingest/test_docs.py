"""The generated docs are current: docs/formats.md and docs/schema.md."""

from __future__ import annotations

from joinedup.ingest.formats import markdown as formats_md
from joinedup.store.schema import markdown as schema_md
from tests.conftest import ROOT


def test_formats_doc_is_generated_from_the_mappings():
    assert (ROOT / "docs" / "formats.md").read_text().strip() == formats_md().strip()


def test_schema_doc_is_generated_from_the_schema():
    assert (ROOT / "docs" / "schema.md").read_text().strip() == schema_md().strip()


def test_every_source_has_a_mapping_or_is_identity_only():
    from joinedup.ingest.mapping import MAPPINGS
    from joinedup.sources import sources
    identity_only = {"csc.cin_children"} - set(MAPPINGS)
    for sid, src in sources().items():
        assert sid in MAPPINGS or src.person_key or sid in identity_only, sid
