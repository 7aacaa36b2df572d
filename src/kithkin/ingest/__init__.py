"""Ingest: source records -> identity resolution -> store, idempotent, batch by batch."""
