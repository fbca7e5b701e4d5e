"""What a file is, from its bytes alone (never its name): workbook, CSV text, or a file-level reject.

Password-protected OOXML files are OLE containers holding `EncryptedPackage` and `EncryptionInfo`.
"""

from __future__ import annotations

from .model import Reject, reject

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_OTHER_FORMATS = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x05\x06", "empty zip archive"),
    (b"Rar!", "RAR archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf", "7z archive"),
    (b"<?xml", "XML document"),
    (b"{\\rtf", "RTF document"),
)


def sniff(data: bytes) -> str | Reject:
    """`workbook`, `text`, or the reject that quarantines the file."""
    if not data or not data.strip():
        return reject("empty_file", None, None)
    if data.startswith(ZIP_MAGIC):
        return "workbook"
    if data.startswith(OLE_MAGIC):
        if any(stream in data for stream in _ENCRYPTED_STREAMS):
            return reject("encrypted_workbook", None, None)
        return "workbook"
    for magic, what in _OTHER_FORMATS:
        if data.startswith(magic):
            return reject("not_a_spreadsheet", None, None, found=what)
    head = data[:2048].lower()
    if head.lstrip().startswith((b"<!doctype html", b"<html")):
        return reject("not_a_spreadsheet", None, None, found="HTML page")
    return "text"
