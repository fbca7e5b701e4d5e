"""Where the warehouse stands, as plain queries on any of its databases (the build or the published one, on
DuckDB or the PostgreSQL server): last publish, freshness of every source, quarantined files, withheld figures.

`dxw status`, the publish asset's metadata and the run summary all read these, so the three
always tell the same story.
"""

from __future__ import annotations

import datetime as dt

from dagster_project.reports import vn_format
from dagster_project.warehouse.connection import Connection

EXAMPLES = 5


def _records(con: Connection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [
        {k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v) for k, v in zip(names, row, strict=True)}
        for row in cursor.fetchall()
    ]


def has_table(con: Connection, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = current_schema() and table_name = ?",
            [table],
        ).fetchone()[0]
    )


def last_publish(con: Connection) -> dict | None:
    """The newest row of `publish_log`: when, by which run, from how many files, after how many checks."""
    if not has_table(con, "publish_log"):
        return None
    rows = _records(
        con,
        "select publish_id, published_at, raw_files, tables_published, checks_passed, flagging_checks_failed "
        "from publish_log order by published_at desc limit 1",
    )
    return rows[0] if rows else None


def files_by_state(con: Connection) -> dict[str, int]:
    return dict(con.execute("select state, count(*) from ingest_files group by 1 order by 1").fetchall())


def rejects_by_reason(con: Connection) -> dict[str, int]:
    return dict(
        con.execute("select reason_code, count(*) from ingest_rejects group by 1 order by 2 desc, 1").fetchall()
    )


def latest_period_by_unit(con: Connection) -> list[dict]:
    """The latest period received per unit and kind of report, from the current report versions."""
    return _records(
        con,
        "select kind, agency_code, max(period_code) as latest_period from ingest_reports "
        "where is_current and agency_code is not null group by 1, 2 order by 1, 2",
    )


def source_freshness(con: Connection) -> list[dict]:
    """Per unit and kind owed: the latest period received, the latest period owed, and whether it is
    stale — as the published `mart_source_freshness` computes it (the one home of staleness)."""
    return _records(
        con,
        "select agency_code, report_kind, latest_received, latest_expected, periods_missing, is_stale "
        "from mart_source_freshness order by report_kind, agency_code",
    )


def quarantined_files(con: Connection, examples: int = EXAMPLES) -> dict:
    count = con.execute("select count(*) from ingest_files where state = 'quarantined'").fetchone()[0]
    sample = _records(
        con,
        "select path, reason_code, arrival_date from ingest_files where state = 'quarantined' "
        "order by arrival_date desc, path limit ?",
        [examples],
    )
    return {"count": count, "examples": sample}


def withheld_figures(con: Connection, examples: int = EXAMPLES) -> dict:
    """Flagged figures no reviewer has accepted yet (`mart_withheld_figures`): they are kept out of
    attainment until one does."""
    flagged = con.execute("select count(*) from dq_flagged_values").fetchone()[0]
    withheld = con.execute("select count(*) from mart_withheld_figures").fetchone()[0]
    sample = _records(
        con,
        "select flag_id, agency_code, figure, period_code, value, rule_code, reason_en "
        "from mart_withheld_figures order by period_code desc, flag_id limit ?",
        [examples],
    )
    return {"flagged": flagged, "withheld": withheld, "examples": sample}


def warehouse_status(con: Connection) -> dict:
    """Everything `dxw status` reports, from one connection."""
    freshness = source_freshness(con)
    return {
        "last_publish": last_publish(con),
        "files_by_state": files_by_state(con),
        "rejects_by_reason": rejects_by_reason(con),
        "latest_period_by_unit": latest_period_by_unit(con),
        "stale_sources": [row for row in freshness if row["is_stale"]],
        "source_freshness": freshness,
        "quarantined_files": quarantined_files(con),
        "withheld_figures": withheld_figures(con),
    }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return vn_format.number(value, vn_format.percent_decimals(value))
    return str(value)


def markdown_table(rows: list[dict], limit: int = 10) -> str:
    """A small markdown preview of query rows for the Dagster UI."""
    if not rows:
        return "_(none)_"
    names = list(rows[0])
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join(_cell(r[n]) for n in names) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n… {len(rows) - limit} more rows")
    return "\n".join(lines)
