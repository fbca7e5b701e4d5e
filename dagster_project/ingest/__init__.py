"""Ingestion: find agency files in the raw tree, parse them into long typed rows, record every outcome.

Parsers (`parsing/`) are pure functions from bytes to rows and rejects; this package around them
keeps the file registry, versions and DuckDB writes.
"""
