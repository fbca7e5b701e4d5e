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
    dated = _date_of_dir(rel_parts[:-1])
    return dated if dated is not None else dt.datetime.fromtimestamp(mtime_ns / 1e9, tz=dt.UTC).date()


def scan_raw_tree(root: Path) -> list[ScannedFile]:
    """Every regular file under `root`, sorted by path; symlinks leading outside are marked, not read.

    One `scandir` per folder and one `stat` per plain file (the folder listing already says what is
    a plain file); symlinks take the careful path. Linked folders are not followed.
    """
    root = root.resolve()
    found: list[ScannedFile] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while pending:
        folder, rel_dir = pending.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue  # unreadable or vanished folder, as os.walk skips it
        dated = _date_of_dir(rel_dir)
        prefix = "/".join(rel_dir) + "/" if rel_dir else ""
        for entry in entries:
            name = entry.name
            if entry.is_symlink():
                if entry.is_dir():
                    continue  # a linked folder is not descended into
                scanned = _scan_link(root, Path(entry.path), rel_dir + (name,))
                if scanned is not None:
                    found.append(scanned)
                continue
            if entry.is_dir():
                pending.append((entry.path, rel_dir + (name,)))
                continue
            if not entry.is_file() or (not rel_dir and name == TREE_README):
                continue
            try:
                st = entry.stat()
            except OSError:
                continue  # vanished since the listing
            found.append(
                ScannedFile(
                    path=prefix + name,
                    size_bytes=st.st_size,
                    mtime_ns=st.st_mtime_ns,
                    arrival_date=dated or arrival_date_for(rel_dir + (name,), st.st_mtime_ns),
                    outside_raw_tree=False,
                )
            )
    found.sort(key=lambda f: f.path)
    return found


def _date_of_dir(rel_dir: tuple[str, ...]) -> dt.date | None:
    """The arrival date a folder gives its files, or None when no folder above names a valid date."""
    for part in reversed(rel_dir):
        match = _DATE_DIR.match(part)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
    return None


def _scan_link(root: Path, full: Path, rel_parts: tuple[str, ...]) -> ScannedFile | None:
    """A symlink found in the tree: recorded (and marked when it leads outside), or None to skip."""
    if len(rel_parts) == 1 and rel_parts[0] == TREE_README:
        return None
    try:
        st = full.stat()
    except OSError:
        # a dangling symlink: nothing to read, but it is still recorded
        st = full.lstat()
    outside = not _is_within(full.resolve(), root)
    if not outside and not full.is_file():
        return None
    return ScannedFile(
        path="/".join(rel_parts),
        size_bytes=st.st_size,
        mtime_ns=st.st_mtime_ns,
        arrival_date=arrival_date_for(rel_parts, st.st_mtime_ns),
        outside_raw_tree=outside,
    )


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
    parts = rel_path.split("/")
    if not all(parts) or "." in parts:  # empty or `.` segments: let pathlib normalise the name
        parts = list(PurePosixPath(rel_path).parts)
        if not parts or PurePosixPath(rel_path).is_absolute():
            raise PermissionError(f"{rel_path!r} is not a path inside the raw tree")
    if ".." in parts:
        raise PermissionError(f"{rel_path!r} is not a path inside the raw tree")
    full = os.path.join(root, *parts)
    try:
        fd = os.open(full, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        if not os.path.islink(full):
            raise
        # a link: followed only when it stays inside the tree
        if not _is_within(Path(full).resolve(), root.resolve()):
            raise PermissionError(f"{rel_path!r} resolves outside the raw tree") from None
        fd = os.open(full, os.O_RDONLY)
    with open(fd, "rb", buffering=0) as f:
        return f.readall()
