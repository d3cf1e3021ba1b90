"""Ingest: read every sector's extracts, validate, quarantine, pseudonymise and load them into the store."""
