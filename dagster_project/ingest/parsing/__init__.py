"""Ingestion parsers: pure functions from a file's bytes to typed report rows and rejects.

The contract is `docs/ingestion-contract.md`; nothing here is shared with the sample-world generator.
"""

from .model import ParsedFile, ParsedReport, Reject, ValueRow
from .parse import parse_file
from .registry import AgencyRegistry, Resolution

__all__ = ["AgencyRegistry", "ParsedFile", "ParsedReport", "Reject", "Resolution", "ValueRow", "parse_file"]
