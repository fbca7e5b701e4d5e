"""Quoting for the few names and constants spliced into SQL text: a table or column name from our own
manifest or suites, our own file paths. Values from agency files are always bound parameters (`?`)."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """A DuckDB identifier in double quotes, inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A DuckDB string literal in single quotes, inner quotes doubled."""
    return "'" + text.replace("'", "''") + "'"
