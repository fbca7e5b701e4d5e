"""Deterministic generator of sample raw trees (agency files with their real-world warts) and manifests.

`generate()` writes a world; the manifest says what ingestion must make of every file.
"""

from .generate import generate

__all__ = ["generate"]
