"""Planning an ingestion pass: which files to read, and, once their bytes are hashed, what each one needs.

A file whose size and modification time match the registry is not read at all. Among the rest, a
content hash decides: an original not parsed with these bytes before is parsed, a copy of another
file's bytes is recorded as its duplicate, and unchanged bytes only get their stat refreshed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import duckdb

from dagster_project.ingest.scan import ScannedFile


@dataclass(frozen=True, slots=True)
class KnownFile:
    """A file as the registry (ingest_files) holds it from earlier runs."""

    file_id: str
    content_hash: str | None
    size_bytes: int
    mtime_ns: int
    state: str
    duplicate_of: str | None


@dataclass
class Plan:
    """What the pass writes, per file, once every file read has been hashed."""

    hashes: dict[str, str | None]  # path -> content hash now (None: a link outside the tree)
    originals: dict[str, str | None]  # path -> the path it duplicates (None: an original)
    removed: list[str]  # paths in the registry no longer in the tree
    to_parse: list[ScannedFile]
    restate: list[ScannedFile]  # recorded anew without parsing
    stat_only: list[ScannedFile]  # same bytes, new size or modification time
    changes: Counter  # "new", "changed", "unchanged"

    @property
    def writes_nothing(self) -> bool:
        return not (self.to_parse or self.restate or self.stat_only or self.removed)


def known_files(con: duckdb.DuckDBPyConnection) -> dict[str, KnownFile]:
    rows = con.execute(
        "select path, file_id, content_hash, size_bytes, mtime_ns, state, duplicate_of from ingest_files"
    ).fetchall()
    return {r[0]: KnownFile(*r[1:]) for r in rows}


def files_to_read(scanned: list[ScannedFile], known: dict[str, KnownFile]) -> list[ScannedFile]:
    """New or re-stamped files inside the tree: each is read once, to hash it (and parse it if new bytes)."""
    return [f for f in scanned if not f.outside_raw_tree and not _same_stat(known.get(f.path), f)]


def parsed_hash(before: KnownFile | None) -> str | None:
    """The content hash whose parse the tables hold for this path, if any (a duplicate was never parsed)."""
    return before.content_hash if before is not None and before.state != "duplicate" else None


def plan_pass(
    scanned: list[ScannedFile], known: dict[str, KnownFile], read: list[ScannedFile], digests: dict[str, str]
) -> Plan:
    """Settle every file from the hashes of the files read (`digests`) and the registry's for the rest."""
    hashes = _current_hashes(scanned, known, digests)
    changes, new_paths = _changes(scanned, known, hashes)
    scanned_paths = {f.path for f in scanned}
    originals = _duplicate_map(scanned, hashes)
    # a file needs parsing when it is an original now and was not parsed with these bytes before
    to_parse = [
        f
        for f in scanned
        if originals.get(f.path) is None
        and not f.outside_raw_tree
        and not _already_parsed(known.get(f.path), hashes[f.path])
    ]
    touched = {f.path for f in read} | new_paths
    restate, stat_only = _unparsed(scanned, known, hashes, originals, {f.path for f in to_parse}, touched)
    return Plan(
        hashes=hashes,
        originals=originals,
        removed=[p for p in known if p not in scanned_paths],
        to_parse=to_parse,
        restate=restate,
        stat_only=stat_only,
        changes=changes,
    )


def _current_hashes(
    scanned: list[ScannedFile], known: dict[str, KnownFile], digests: dict[str, str]
) -> dict[str, str | None]:
    hashes: dict[str, str | None] = {}
    for f in scanned:
        if f.outside_raw_tree:
            hashes[f.path] = None
        elif f.path in digests:
            hashes[f.path] = digests[f.path]
        else:
            hashes[f.path] = known[f.path].content_hash
    return hashes


def _changes(
    scanned: list[ScannedFile], known: dict[str, KnownFile], hashes: dict[str, str | None]
) -> tuple[Counter, set[str]]:
    """How many files are new, changed and unchanged, and the new ones' paths."""
    changes: Counter = Counter(new=0, changed=0, unchanged=0)
    new_paths = set()
    for f in scanned:
        before = known.get(f.path)
        if before is None:
            changes["new"] += 1
            new_paths.add(f.path)
        elif before.content_hash != hashes[f.path]:
            changes["changed"] += 1
        else:
            changes["unchanged"] += 1
    return changes, new_paths


def _unparsed(
    scanned: list[ScannedFile],
    known: dict[str, KnownFile],
    hashes: dict[str, str | None],
    originals: dict[str, str | None],
    parse_paths: set[str],
    touched: set[str],
) -> tuple[list[ScannedFile], list[ScannedFile]]:
    """Files recorded anew without parsing (new or changed duplicates and links, and files whose
    duplicate role flipped), and files whose bytes are unchanged and only get their stat refreshed."""
    restate, stat_only = [], []
    for f in scanned:
        if f.path in parse_paths:
            continue
        before = known.get(f.path)
        if (
            before is None
            or before.content_hash != hashes[f.path]
            or _duplicate_role_changed(before, originals.get(f.path))
        ):
            restate.append(f)
        elif f.path in touched:
            stat_only.append(f)
    return restate, stat_only


def _duplicate_map(scanned: list[ScannedFile], hashes: dict[str, str | None]) -> dict[str, str | None]:
    """path -> the path it duplicates (None for an original): first by arrival date, then path."""
    first_holder: dict[str, str] = {}
    result: dict[str, str | None] = {}
    for f in sorted(scanned, key=lambda s: (s.arrival_date, s.path)):
        digest = hashes[f.path]
        if digest is None:
            result[f.path] = None
            continue
        holder = first_holder.setdefault(digest, f.path)
        result[f.path] = None if holder == f.path else holder
    return result


def _same_stat(before: KnownFile | None, f: ScannedFile) -> bool:
    return before is not None and before.size_bytes == f.size_bytes and before.mtime_ns == f.mtime_ns


def _already_parsed(before: KnownFile | None, digest: str | None) -> bool:
    return before is not None and before.content_hash == digest and before.state not in ("duplicate",)


def _duplicate_role_changed(before: KnownFile | None, duplicate_of: str | None) -> bool:
    return before is not None and before.duplicate_of != duplicate_of
