"""The status quo: what users do today without the warehouse — one pandas + openpyxl script that reads
every workbook (`pandas.read_excel(engine="openpyxl", sheet_name=None)`) and every CSV
(`pandas.read_csv`) of a raw tree and concatenates everything into one DataFrame.

openpyxl cannot read legacy .xls workbooks: those are counted as skipped. A file pandas cannot read
at all (a broken or mislabelled file) is counted as failed, as a user's script would skip it.
`--every K` reads a deterministic subset: every K-th file of the sorted list (files of all kinds
stay in proportion).

    .venv/bin/python bench/status_quo.py --raw bench/worlds/c3300-o0-y3/raw --every 16
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import pandas as pd


def raw_files(raw: Path) -> list[Path]:
    """Every agency file of the raw tree in sorted order (the tree's README is not one)."""
    return sorted(p for p in raw.rglob("*") if p.is_file() and p.name != "README.md")


def subset(paths: list[Path], every: int) -> list[Path]:
    return paths[:: max(1, every)]


def read_all(paths: list[Path]) -> dict:
    """Read and concatenate; returns counts, rows of the concatenated frame and wall seconds."""
    frames, skipped_xls, failed = [], 0, 0
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and data validation in every workbook
        for path in paths:
            suffix = path.suffix.lower()
            try:
                if suffix == ".xls":
                    skipped_xls += 1
                    continue
                if suffix == ".xlsx":
                    for sheet, frame in pd.read_excel(path, engine="openpyxl", sheet_name=None).items():
                        frames.append(frame.assign(source_file=path.name, source_sheet=sheet))
                else:
                    frames.append(
                        pd.read_csv(path, sep=None, engine="python", encoding_errors="replace").assign(
                            source_file=path.name
                        )
                    )
            except Exception:  # noqa: BLE001 - a user's script skips what it cannot read
                failed += 1
        combined = pd.concat(frames, ignore_index=True, sort=False) if frames else pd.DataFrame()
    seconds = time.perf_counter() - started
    read = len(paths) - skipped_xls - failed
    return {
        "files": len(paths),
        "files_read": read,
        "skipped_xls": skipped_xls,
        "failed": failed,
        "rows": len(combined),
        "columns": combined.shape[1],
        "seconds": seconds,
        "files_per_s": len(paths) / seconds if seconds else None,
        "rows_per_s": len(combined) / seconds if seconds else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw", type=Path, default=Path("raw"))
    parser.add_argument("--every", type=int, default=1, help="read every K-th file of the sorted list")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    everything = raw_files(args.raw)
    chosen = subset(everything, args.every)
    result = {"tree_files": len(everything), "every": args.every, **read_all(chosen)}
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"read {result['files_read']:,} of {result['files']:,} files (1 in {args.every} of {len(everything):,}) "
        f"into one DataFrame of {result['rows']:,} rows × {result['columns']} columns in {result['seconds']:.1f} s: "
        f"{result['files_per_s']:,.0f} files/s, {result['rows_per_s']:,.0f} rows/s; "
        f"{result['skipped_xls']} legacy .xls skipped (openpyxl cannot read them), {result['failed']} unreadable"
    )


if __name__ == "__main__":
    main()
