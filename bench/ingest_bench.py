"""Ingestion throughput on a generated world, next to the floor: a bare read loop of the same files
with the same reader and the same number of processes. Also compares spreadsheet readers.

    .venv/bin/python bench/ingest_bench.py                      # nation-sized: 3,300 communes, 3 years
    .venv/bin/python bench/ingest_bench.py --communes 60 --offices 4 --years 1   # a quick run
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
from common import world_arguments
from python_calamine import CalamineWorkbook

from dagster_project.ingest.run import ingest_raw_tree
from sample_world import generate

BENCH_DIR = Path(__file__).resolve().parent


def world(communes: int, offices: int, years: int, workers: int) -> tuple[Path, Path, dict]:
    """Generate the world once and cache it under bench/worlds/ (git-ignored)."""
    base = BENCH_DIR / "worlds" / f"c{communes}-o{offices}-y{years}"
    raw, manifest_path, registry = base / "raw", base / "manifest.json", base / "registry"
    if not manifest_path.exists():
        started = time.perf_counter()
        generate(
            raw,
            manifest_path,
            communes=communes,
            offices=offices,
            years=years,
            registry_dir=registry,
            workers=workers,
            force=True,
        )
        print(f"generated world in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return raw, registry, manifest


def _bare_read(path: str) -> int:
    """The floor for one file: read its bytes and every cell (or line) with the reader we use."""
    data = Path(path).read_bytes()
    if path.lower().endswith((".xlsx", ".xls")):
        try:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            return sum(len(wb.get_sheet_by_name(name).to_python()) for name in wb.sheet_names)
        except Exception:  # noqa: BLE001 - a broken file reads as nothing, like any reader skipping it
            return 0
    return data.count(b"\n")


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bare_read_loop(paths: list[str], workers: int) -> float:
    return _bare_read_loop(paths, workers)[0]


def _bare_read_loop(paths: list[str], workers: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds over all processes)."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    if workers <= 1:
        for p in paths:
            _bare_read(p)
    else:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_bare_read, paths, chunksize=max(1, len(paths) // (workers * 8))))
    return time.perf_counter() - started, _cpu_seconds() - cpu


def _ingest(raw: Path, registry: Path, workers: int) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds over all processes, rows) of one ingestion into a fresh database."""
    with tempfile.TemporaryDirectory() as tmp, duckdb.connect(str(Path(tmp) / "build.duckdb")) as con:
        started, cpu = time.perf_counter(), _cpu_seconds()
        summary = ingest_raw_tree(con, raw, registry, workers=workers)
        return time.perf_counter() - started, _cpu_seconds() - cpu, summary.rows_loaded + summary.rows_rejected


def reader_comparison(paths: list[str], sample: int = 300) -> dict[str, float]:
    """Files per second reading every cell of the same workbooks with each candidate reader."""
    import fastexcel
    import openpyxl

    chosen = [p for p in paths if p.lower().endswith(".xlsx")][:sample]

    def calamine_read(p: str) -> None:
        wb = CalamineWorkbook.from_path(p)
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()

    def fastexcel_read(p: str) -> None:
        reader = fastexcel.read_excel(p)
        for name in reader.sheet_names:
            reader.load_sheet(name, header_row=None)

    def openpyxl_read(p: str) -> None:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        for ws in wb.worksheets:
            list(ws.iter_rows(values_only=True))
        wb.close()

    rates = {}
    for name, fn in (("python-calamine", calamine_read), ("fastexcel", fastexcel_read), ("openpyxl", openpyxl_read)):
        started = time.perf_counter()
        for p in chosen:
            # broken sample files are part of the world; every reader skips them alike
            with contextlib.suppress(Exception):
                fn(p)
        rates[name] = len(chosen) / (time.perf_counter() - started)
    return rates


def main() -> None:
    parser = world_arguments(__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="repeat the floor and the ingestion, report medians")
    args = parser.parse_args()

    raw, registry, manifest = world(args.communes, args.offices, args.years, args.workers)
    paths = sorted(str(p) for p in raw.rglob("*") if p.is_file())
    n_rows_truth = sum(len(f["values"]) for f in manifest["files"])
    print(
        f"world: {len(paths):,} files, {n_rows_truth:,} value rows, {args.communes} communes, "
        f"{args.offices} offices, {args.years} years; {args.workers} worker processes"
    )
    _report(measure(paths, raw, registry, args.workers, args.repeat))


def measure(paths: list[str], raw: Path, registry: Path, workers: int, repeat: int) -> dict:
    """The floor and the ingestion, `repeat` times each (medians), and the reader comparison."""
    # floor and ingestion alternate, so a busy neighbour on the machine slows both alike; the CPU
    # seconds (all processes) are the steadier figure when other work shares the cores
    floors, ingests, floor_cpus, ingest_cpus, rows = [], [], [], [], 0
    for _ in range(repeat):
        wall, cpu = _bare_read_loop(paths, workers)
        floors.append(wall)
        floor_cpus.append(cpu)
        wall, cpu, rows = _ingest(raw, registry, workers)
        ingests.append(wall)
        ingest_cpus.append(cpu)
    floor_s, ingest_s = statistics.median(floors), statistics.median(ingests)
    floor_cpu, ingest_cpu = statistics.median(floor_cpus), statistics.median(ingest_cpus)
    return {
        "files": len(paths),
        "rows": rows,
        "workers": workers,
        "repeat": repeat,
        "floor_seconds": floor_s,
        "floor_files_per_s": len(paths) / floor_s,
        "ingest_seconds": ingest_s,
        "ingest_files_per_s": len(paths) / ingest_s,
        "ingest_rows_per_s": rows / ingest_s,
        "ingest_share_of_floor": floor_s / ingest_s,
        "floor_cpu_seconds": floor_cpu,
        "ingest_cpu_seconds": ingest_cpu,
        "ingest_cpu_share_of_floor": floor_cpu / ingest_cpu,
        "floor_seconds_each": floors,
        "ingest_seconds_each": ingests,
        "reader_files_per_s": reader_comparison(paths),
    }


def _report(results: dict) -> None:
    """Print the figures and write bench/ingest_results.json."""
    files, rows, readers = results["files"], results["rows"], results["reader_files_per_s"]
    floor_s, ingest_s = results["floor_seconds"], results["ingest_seconds"]
    floor_cpu, ingest_cpu = results["floor_cpu_seconds"], results["ingest_cpu_seconds"]
    print(f"{'':<28}{'seconds':>10}{'files/s':>12}{'rows/s':>12}{'CPU s':>10}")
    print(f"{'bare read loop (floor)':<28}{floor_s:>10.2f}{files / floor_s:>12,.0f}{'':>12}{floor_cpu:>10.1f}")
    print(f"{'ingestion':<28}{ingest_s:>10.2f}{files / ingest_s:>12,.0f}{rows / ingest_s:>12,.0f}{ingest_cpu:>10.1f}")
    print(f"ingestion runs at {100 * floor_s / ingest_s:.0f}% of the floor's speed")
    print(
        f"CPU seconds, all processes: floor {floor_cpu:.1f}, ingestion {ingest_cpu:.1f} "
        f"({100 * floor_cpu / ingest_cpu:.0f}%); medians of {results['repeat']} run(s)"
    )
    print("reader comparison (xlsx files/s, one process): " + ", ".join(f"{k} {v:,.0f}" for k, v in readers.items()))
    out = BENCH_DIR / "ingest_results.json"
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {out.relative_to(BENCH_DIR.parent)}")


if __name__ == "__main__":
    main()
