"""Builds a sample world on disk: plans the files, renders them (in parallel if asked), writes the manifest.

The manifest states what the ingestion must make of every file, per docs/ingestion-contract.md.
"""

import json
import multiprocessing
import os
from collections import Counter, defaultdict
from pathlib import Path

from .plan import Planner
from .render import render_to_disk
from .units import real_world, synthetic_world, write_registry

MANIFEST_VERSION = 1
_UNKNOWN_KIND = {"empty", "pdf", "encrypted", "corrupt", "unrelated"}


def _is_empty_dir(path):
    return not os.path.exists(path) or (os.path.isdir(path) and not os.listdir(path))


def generate(
    out_dir,
    manifest_path,
    *,
    seed=20240101,
    communes=15,
    offices=10,
    years=3,
    registry_dir=None,
    workers=1,
    force=False,
):
    real = (communes, offices) == (15, 10)
    if not real and registry_dir is None:
        raise ValueError("a synthetic world needs registry_dir for its agency registry")
    if years < 1:
        raise ValueError("years must be at least 1")
    if not force and not _is_empty_dir(out_dir):
        raise FileExistsError(f"{out_dir} is not empty (use force to write into it anyway)")
    out_abs = os.path.abspath(out_dir)
    if os.path.abspath(manifest_path).startswith(out_abs + os.sep):
        raise ValueError("the manifest must be written outside the raw tree")
    world = real_world(years) if real else synthetic_world(communes, offices, years, seed)
    if registry_dir is not None:
        write_registry(world, registry_dir)
    specs = Planner(world, seed).plan()
    os.makedirs(out_dir, exist_ok=True)
    jobs = [(s, seed, out_dir) for s in specs]
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = list(pool.imap(render_to_disk, jobs, chunksize=32))
    else:
        results = [render_to_disk(j) for j in jobs]
    entries = _entries(specs, results)
    Path(manifest_path).parent.mkdir(parents=True, exist_ok=True)
    with open(manifest_path, "w", encoding="utf-8", newline="\n") as f:
        head = {"seed": seed, "communes": communes, "offices": offices, "years": years, "version": MANIFEST_VERSION}
        f.write('{"generator": ' + json.dumps(head) + ', "files": [\n')
        f.write(",\n".join(json.dumps(e, ensure_ascii=False) for e in entries) + "\n")
        f.write("]}\n")
    counts = Counter((e["kind"], e["expected_state"]) for e in entries)
    return {
        "files": len(entries),
        "by_kind_state": {f"{k}/{s}": n for (k, s), n in sorted(counts.items(), key=str)},
        "values": sum(len(e["values"]) for e in entries),
        "rejected_rows": sum(len(e["rejected_rows"]) for e in entries),
    }


def _entries(specs, results):
    rows = []
    for spec_id, paths, digest, warts, values, rejected, reports in results:
        spec = specs[spec_id]
        for n, path in enumerate(paths):
            rows.append(
                (path, spec, digest, warts + (["duplicate_submission"] if n else []), values, rejected, reports)
            )
    rows.sort(key=lambda t: t[0])
    first_by_digest = {}
    entries = []
    versions = defaultdict(list)
    for path, spec, digest, warts, values, rejected, reports in rows:
        kind = None if spec.get("special") in _UNKNOWN_KIND else spec["kind"]
        e = {
            "path": path,
            "kind": kind,
            "expected_state": None,
            "reason": None,
            "duplicate_of": None,
            "warts": sorted(set(warts)),
            "reports": [],
            "values": [],
            "rejected_rows": [],
        }
        if digest in first_by_digest:
            e["expected_state"] = "duplicate"
            e["duplicate_of"] = first_by_digest[digest]
            if "duplicate_submission" not in e["warts"]:
                e["warts"] = sorted(e["warts"] + ["duplicate_submission"])
        elif spec["expect"]:
            e["expected_state"] = "quarantined"
            e["reason"] = spec["expect"]
        else:
            e["expected_state"] = "loaded_with_rejects" if rejected else "loaded"
            correction = bool(spec.get("title_mark"))
            for sheet, agency, period in reports:
                rep = {
                    "sheet": sheet,
                    "agency_code": agency,
                    "period_code": period,
                    "is_correction": correction,
                    "is_current": False,
                }
                e["reports"].append(rep)
                # the ingestion contract's version rule: a correction mark first, then arrival, then path
                versions[(kind, agency, period)].append(((correction, path.split("/")[0], path), rep))
            e["values"] = [
                {
                    "sheet": s,
                    "row": r,
                    "row_role": role,
                    "section": sec,
                    "agency_code": ag,
                    "period_code": per,
                    "item_code": item,
                    "value": v,
                    "unit": unit,
                }
                for s, r, role, sec, ag, per, item, v, unit in values
            ]
            e["rejected_rows"] = [{"sheet": s, "row": r, "reason": why} for s, r, why in rejected]
        first_by_digest.setdefault(digest, path)
        entries.append(e)
    for reps in versions.values():
        max(reps, key=lambda t: t[0])[1]["is_current"] = True
    return entries
