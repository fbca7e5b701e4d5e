"""The table `make bench` prints from its results: one line per stage and figure, then the README
queries, the scaling points, the daemon comparison and the goals."""

from __future__ import annotations

from common import GIB


def table(r: dict) -> str:
    lines = _head(r) + _ingestion(r["ingestion"]) + _transform(r["transform"]) + _postgres(r["postgres"])
    lines += _refresh(r) + _queries(r["queries"]) + _scaling(r["scaling"]) + _daemon(r["daemon_run"])
    lines += _goals(r["goals"])
    lines.append(f"\nbench took {r['bench_seconds'] / 60:.1f} min")
    return "\n".join(lines)


def _fmt(value, spec: str = ",.1f") -> str:
    return "—" if value is None else format(value, spec)


def _pct(share: float | None, spec: str = ".0f") -> str:
    return "—" if share is None else format(100 * share, spec) + "%"


def _row(
    label: str, seconds=None, files_per_s=None, rows_per_s=None, note: str = "", seconds_spec: str = ",.1f"
) -> str:
    cells = [(seconds, seconds_spec, 10), (files_per_s, ",.0f", 11), (rows_per_s, ",.0f", 12)]
    text = "".join(f"{'' if v is None else format(v, spec):>{width}}" for v, spec, width in cells)
    return f"{label:<46}{text}   {note}".rstrip()


def _head(r: dict) -> list[str]:
    w, m = r["world"], r["machine"]
    world = (
        f"world: {w['communes']:,} communes, {w['offices']} offices, {w['years']} years — {w['files']:,} files, "
        f"{w['rows']:,} value rows (manifest)"
    )
    return [
        world,
        f"machine: {m['cpu_count']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM, Python {m['python']}",
        "",
        f"{'stage':<46}{'seconds':>10}{'files/s':>11}{'rows/s':>12}   compared",
    ]


def _ingestion(ing: dict) -> list[str]:
    share = ing["ingest_files_per_s"] / ing["floor_files_per_s"]
    lines = [
        _row("ingestion (ingest_raw_tree)", ing["ingest_seconds"], ing["ingest_files_per_s"], ing["ingest_rows_per_s"]),
        _row(
            "  floor: bare read loop",
            ing["floor_seconds"],
            ing["floor_files_per_s"],
            note=f"ingestion at {_pct(share)} of it",
        ),
    ]
    sq = ing["status_quo"]
    if not sq:
        return [*lines, "  status quo: skipped (--skip-status-quo)"]
    note = f"ingestion {ing['ingest_files_per_s'] / sq['files_per_s']:,.0f}x faster (files/s)"
    lines.append(_row("  status quo: pandas + openpyxl", sq["seconds"], sq["files_per_s"], sq["rows_per_s"], note))
    lines.append(
        f"      ({sq['subset']}; {sq['skipped_xls']} .xls skipped: openpyxl cannot read them; {sq['failed']} unreadable)"
    )
    return lines


def _transform(tr: dict) -> list[str]:
    dbt_note = f"{tr['dbt_over_floor']:.2f}x the floor"
    return [
        _row("dbt build (models and seeds)", tr["dbt_models_and_seeds_seconds"], note=dbt_note),
        _row("  floor: compiled SQL in one DuckDB session", tr["one_session_floor_seconds"]),
    ]


def _postgres(pg: dict) -> list[str]:
    """The two builds, their ratio, and where Postgres's time went (its slowest nodes, DuckDB's time beside)."""
    note = f"{pg['postgres_over_duckdb']:.2f}x DuckDB's; COPY of the sources {pg['copy_seconds']:.1f} s before it"
    lines = [
        _row(f"dbt build ({pg['selection']}), DuckDB", pg["duckdb_build_seconds"]),
        _row("  the same on PostgreSQL", pg["postgres_build_seconds"], note=note),
        (
            f"      ({pg['server']}; node time summed: PostgreSQL {pg['postgres_nodes_seconds']:.1f} s, "
            f"DuckDB {pg['duckdb_nodes_seconds']:.1f} s)"
        ),
        "      slowest nodes on PostgreSQL, seconds there and on DuckDB:",
    ]
    duck = pg["duckdb_seconds_of_postgres_top_nodes"]
    for name, seconds in pg["postgres_top_nodes_seconds"].items():
        lines.append(f"        {seconds:8.1f} s  {_fmt(duck.get(name), '8.1f')} s  {name[:70]}")
    return lines


def _refresh(r: dict) -> list[str]:
    ref, qg, pub, mem = r["refresh"], r["quality_gates"], r["publish"], r["memory"]
    full, inc, agree = ref["full"], ref["incremental"], qg["sql_agrees_with_gx"]
    files_per_s = ref["files"] / full["seconds"]
    note = f"published: {full['published']}"
    lines = [_row("full refresh (dxw refresh, empty warehouse)", full["seconds"], files_per_s, note=note)]
    for step, seconds in full["steps"].items():
        lines.append(_row(f"  step {step}", seconds, note=f"{_pct(seconds / full['seconds'])} of the refresh"))
    note = f"{_pct(qg['share_of_full_refresh'])} of the refresh"
    lines.append(_row("quality gates (GX, in the full refresh)", qg["gx_seconds"], note=note))
    same = "yes" if agree["same_as_gx"] else "NO"
    note = f"{agree['expectations']} expectations, same pass/fail as GX: {same}; GX {_fmt(qg['gx_over_sql'], ',.0f')}x slower"
    lines.append(_row("  same checks as plain DuckDB SQL", qg["sql_seconds"], note=note, seconds_spec=",.2f"))
    note = f"{_pct(pub['share_of_full_refresh'], '.1f')} of the refresh"
    lines.append(_row("publish (dx.duckdb)", pub["seconds"], note=note, seconds_spec=",.2f"))
    note = f"{_pct(ref['incremental_vs_full'])} of the full refresh; published: {inc['published']}"
    lines.append(_row("incremental refresh (one new file)", inc["seconds"], note=note))
    for step, seconds in inc["steps"].items():
        lines.append(_row(f"  step {step}", seconds, note=f"{_pct(seconds / inc['seconds'])} of it"))
    outside = inc["seconds"] - sum(inc["steps"].values())
    note = "process start, imports, definitions, run bookkeeping, summary"
    lines.append(_row("  outside any step", outside, note=note))
    where = "tiny world" if r["options"]["quick"] else "town sample"
    note = f"{_pct(r['overhead']['no_change_over_full'], '.1f')} of its full refresh (no_change_over_full)"
    lines.append(_row(f"no-change refresh, {where}", r["overhead"]["seconds"], note=note))
    note = (
        f"summed RSS {mem['peak_rss_gib']:.2f} GiB; largest process {mem['peak_single_process_rss_bytes'] / GIB:.2f} "
        f"GiB; {mem.get('samples', '?')} samples"
    )
    lines.append(
        _row("peak memory, full refresh (summed PSS, GiB)", mem["peak_pss_gib"], note=note, seconds_spec=".2f")
    )
    return lines


def _queries(queries: list[dict]) -> list[str]:
    runs = queries[0]["runs"] if queries else 0
    lines = ["", f"README queries on the published dx.duckdb (read-only), median of {runs} runs:"]
    return lines + [
        f"  q{q['query']}  {q['median_ms']:8.1f} ms  {q['rows']:>6} rows   {q['first_line']}" for q in queries
    ]


def _scaling(sc: dict) -> list[str]:
    lines = ["", f"scaling ({sc['worlds']}):", f"  {'communes':>8} {'files':>8} {'seconds':>9} {'ms/file':>9}"]
    for p in sc["points"]:
        flag = "" if p["published"] else "  (not published)"
        lines.append(
            f"  {p['communes']:>8,} {p['files']:>8,} {p['seconds']:>9.1f} {1000 * p['seconds_per_file']:>9.2f}{flag}"
        )
    lines.append(f"  log-log slope of seconds vs files: {_fmt(sc['loglog_slope'], '.2f')}")
    return lines


def _daemon(dr: dict) -> list[str]:
    lines = ["", f"daemon-started refresh vs `dxw refresh`, {dr['world']}, {dr['files']:,} files, empty warehouse:"]
    lines.append(_row("  dxw refresh (wall time)", dr["cli"]["seconds"], note=f"published: {dr['cli']['published']}"))
    note = (
        f"{dr['daemon_over_cli']:.2f}x the CLI; {dr['daemon']['launch_to_start_seconds']:.1f} s launch to first "
        f"event; steps in {dr['daemon']['processes_running_steps']} process(es); published: {dr['daemon']['published']}"
    )
    outside = f"outside the steps: CLI {dr['cli_outside_steps_seconds']:.1f} s, daemon run {dr['daemon_outside_steps_seconds']:.1f} s"
    lines.append(_row("  daemon run (sensor launch to success)", dr["daemon"]["seconds"], note=note))
    lines.append(f"      ({outside})")
    return lines


def _goals(goals: dict) -> list[str]:
    lines = ["", "goals:"]
    for g in goals.values():
        met = {True: "met", False: "NOT MET", None: "not measured"}[g["met"]]
        lines.append(f"  {met:<13} {g['goal']:<58} {_fmt(g['value'], ',.2f')}")
    return lines
