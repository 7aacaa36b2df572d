"""Readers of input formats. Each yields plain records and never touches the database."""
