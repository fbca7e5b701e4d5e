"""The benchmark's goals: each a figure from the results, a threshold, and which side of it is met."""

from __future__ import annotations

import stage_overhead

GOALS = {
    # key: (description, threshold, "min" = the figure must be at least the threshold, "max" = at most)
    "ingest_vs_floor": ("ingestion ≥ 60% of the floor (files/s)", 0.60, "min"),
    "ingest_vs_status_quo": ("ingestion ≥ 10× the status quo (files/s)", 10.0, "min"),
    "dbt_vs_floor": ("dbt ≤ 1.5× its one-session floor", 1.5, "max"),
    "postgres_over_duckdb": ("dbt build on PostgreSQL ≤ 3× on DuckDB (same run)", 3.0, "max"),
    "gates_share_of_refresh": ("quality gates ≤ 20% of the full refresh", 0.20, "max"),
    "incremental_vs_full": ("incremental ≤ 10% of the full refresh", 0.10, "max"),
    "peak_pss_gib": ("peak memory < 2 GiB (summed PSS of the refresh tree)", 2.0, "max"),
    "scaling_slope": ("scaling no worse than linear (log-log slope ≤ 1)", 1.0, "max"),
    "daemon_run_vs_cli": ("daemon-started refresh ≤ 1.2× `dxw refresh` (town sample)", 1.2, "max"),
    "no_change_over_full": stage_overhead.GOAL,
}


def figures(results: dict) -> dict[str, float | None]:
    """Each goal's figure, from the stages' results."""
    ing = results["ingestion"]
    return {
        "ingest_vs_floor": ing["ingest_over_floor"],
        "ingest_vs_status_quo": ing["ingest_over_status_quo"],
        "dbt_vs_floor": results["transform"]["dbt_over_floor"],
        "postgres_over_duckdb": results["postgres"]["postgres_over_duckdb"],
        "gates_share_of_refresh": results["quality_gates"]["share_of_full_refresh"],
        "incremental_vs_full": results["refresh"]["incremental_vs_full"],
        "peak_pss_gib": results["memory"]["peak_pss_gib"],
        "scaling_slope": results["scaling"]["loglog_slope"],
        "daemon_run_vs_cli": results["daemon_run"]["daemon_over_cli"],
        "no_change_over_full": results["overhead"]["no_change_over_full"],
    }


def judge(results: dict) -> dict:
    """Every goal with its figure and whether it is met (None: not measured)."""
    values = figures(results)
    return {
        key: {"goal": text, "value": values[key], "threshold": threshold, "met": _met(values[key], threshold, kind)}
        for key, (text, threshold, kind) in GOALS.items()
    }


def _met(value: float | None, threshold: float, kind: str) -> bool | None:
    if value is None:
        return None
    return value >= threshold if kind == "min" else value <= threshold
