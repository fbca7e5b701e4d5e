"""Walk the raw tree and fingerprint what is there, without reading files that did not change.

A file's arrival date is the nearest `YYYY-MM-DD` folder above it (the landing-zone convention),
otherwise its modification date; it orders versions and decides which copy is the duplicate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_DATE_DIR = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# The landing zone documents itself in one file at its root; that file is not an arrival.
TREE_README = "README.md"


@dataclass(frozen=True, slots=True)
class ScannedFile:
    path: str  # relative to the raw root, posix separators: data, never joined with anything but the root
    size_bytes: int
    mtime_ns: int
    arrival_date: dt.date
    outside_raw_tree: bool


def file_id_for(path: str) -> str:
    """A stable id per raw path, so reruns give the same ids and the same marts."""
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:16]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def arrival_date_for(rel_parts: tuple[str, ...], mtime_ns: int) -> dt.date:
    for part in reversed(rel_parts[:-1]):
        match = _DATE_DIR.match(part)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
    return dt.datetime.fromtimestamp(mtime_ns / 1e9, tz=dt.UTC).date()


def scan_raw_tree(root: Path) -> list[ScannedFile]:
    """Every regular file under `root`, sorted by path; symlinks leading outside are marked, not read."""
    root = root.resolve()
    found: list[ScannedFile] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in filenames:
            if name == TREE_README and Path(dirpath) == root:
                continue
            full = Path(dirpath) / name
            rel = full.relative_to(root)
            try:
                st = full.stat()
            except OSError:
                # a dangling symlink: nothing to read, but it is still recorded
                st = full.lstat()
            outside = full.is_symlink() and not _is_within(full.resolve(), root)
            if not outside and not full.is_file():
                continue
            found.append(
                ScannedFile(
                    path=rel.as_posix(),
                    size_bytes=st.st_size,
                    mtime_ns=st.st_mtime_ns,
                    arrival_date=arrival_date_for(rel.parts, st.st_mtime_ns),
                    outside_raw_tree=outside,
                )
            )
    found.sort(key=lambda f: f.path)
    return found


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def read_raw_file(root: Path, rel_path: str) -> bytes:
    """Read a file named by its raw-tree path; a name that climbs out of the tree is refused.

    Regular files are opened without following a final symlink (so a file swapped for a link
    after the scan is not followed); links found by the scan are checked against the tree.
    """
    parts = PurePosixPath(rel_path).parts
    if not parts or PurePosixPath(rel_path).is_absolute() or ".." in parts:
        raise PermissionError(f"{rel_path!r} is not a path inside the raw tree")
    full = os.path.join(root, *parts)
    if os.path.islink(full):
        if not _is_within(Path(full).resolve(), root.resolve()):
            raise PermissionError(f"{rel_path!r} resolves outside the raw tree")
        flags = os.O_RDONLY
    else:
        flags = os.O_RDONLY | os.O_NOFOLLOW
    fd = os.open(full, flags)
    with os.fdopen(fd, "rb") as f:
        return f.read()
