"""Who may read what on the PostgreSQL warehouse: the grants and row-level security of one published version.

The publish calls `apply_access` on the new version's schema inside its swap transaction, before the schema is
renamed to `published`: a policy refers to the tables it names by OID, so what is made here holds after the
rename, and a reader never sees a version without its rules. The roles themselves and `dx_ops.unit_logins`
come from deploy/postgres/roles.sql (deploy/postgres/README.md); their names are warehouse/pg.py's.

Who sees what:
- the refresh role owns every table (row-level security does not apply to a table's owner) and alone writes;
- the analyst role reads every row of every table, and writes nothing;
- a unit login (a member of the unit role, mapped to its agency in `dx_ops.unit_logins`) reads the reference
  tables whole and, of each table in `UNIT_CODE_COLUMNS`, the rows of its own agency, of the agencies it
  succeeded in the 2025 reorganisation (transitively: a merged commune inherits its predecessors' records and
  series, which its successor roll-ups already add up) and of the area (`dim_agency.agency_type = 'area'`);
  not its neighbours', and not its successor's (a predecessor's login sees only its own territory). Every
  other table — ingestion's record of all files and rejects, the reviewers' decisions, any table added later
  until it is classified here — refuses it (permission denied), because its rows carry no unit code to
  filter on.
"""

from __future__ import annotations

from dagster_project.sql import quote_ident
from dagster_project.warehouse import pg

# The tables a unit reads row by row, and the column holding the code of the unit a row belongs to
UNIT_CODE_COLUMNS = {
    "dq_flag_budget": "agency_code",
    "dq_flag_indicators": "agency_code",
    "dq_flag_negative_counts": "agency_code",
    "dq_flag_repeated_figures": "agency_code",
    "dq_flag_stock_jumps": "agency_code",
    "dq_flagged_values": "agency_code",
    # a budget row is the unit's whose budget it measures, not the finance office's that reported it
    "fct_budget_share": "scope_code",
    "fct_indicator_values": "agency_code",
    "fct_submissions": "agency_code",
    "ingest_reports": "agency_code",
    "mart_scorecard": "agency_code",
    "mart_source_freshness": "agency_code",
    "mart_withheld_figures": "agency_code",
}
# The tables every unit reads whole: the catalogue, the calendar, the agencies, the version's publish log
SHARED_TABLES = ("dim_agency", "dim_indicator", "dim_indicator_target", "dim_period", "publish_log")
# The tables only analysts read: a file, a sheet or a review is not one unit's (the provincial portal's export
# holds every unit's rows; an unreadable file has no unit at all)
ANALYST_ONLY_TABLES = ("dq_reviews_accepted", "ingest_files", "ingest_rejects", "ingest_sheets")

ANALYST_POLICY = "analyst_reads_all_rows"
UNIT_POLICY = "unit_reads_own_rows"

# The codes whose rows the current unit login reads: its agency, the agencies it succeeded, the area.
# `union` (not `union all`) ends the recursion should successors ever form a cycle.
_VISIBLE_CODES = """
    with recursive unit_and_predecessors (agency_code) as (
        select login.agency_code from {unit_logins} as login where login.login = current_user
        union
        select predecessor.agency_code
        from {dim_agency} as predecessor
        inner join unit_and_predecessors as successor on predecessor.successor_code = successor.agency_code
    )
    select agency_code from unit_and_predecessors
    union
    select area.agency_code from {dim_agency} as area where area.agency_type = 'area'"""


def visible_codes_sql(schema: str) -> str:
    """The query giving the agency codes whose rows the current unit login may read in `schema`."""
    return _VISIBLE_CODES.format(
        unit_logins=f"{quote_ident(pg.OPS_SCHEMA)}.{quote_ident(pg.UNIT_LOGINS_TABLE)}",
        dim_agency=f"{quote_ident(schema)}.{quote_ident('dim_agency')}",
    )


def _check_roles(cur) -> None:
    """The roles granted to and the login mapping exist; the refresh role is whoever runs the publish."""
    roles = [pg.ANALYST_ROLE, pg.UNIT_ROLE]
    cur.execute("select rolname from pg_roles where rolname = any(%s)", [roles])
    missing = sorted(set(roles) - {row[0] for row in cur.fetchall()})
    cur.execute("select to_regclass(%s)", [f"{quote_ident(pg.OPS_SCHEMA)}.{quote_ident(pg.UNIT_LOGINS_TABLE)}"])
    if cur.fetchone()[0] is None:
        missing.append(f"{pg.OPS_SCHEMA}.{pg.UNIT_LOGINS_TABLE}")
    if missing:
        raise RuntimeError(
            f"the warehouse database has no {', '.join(missing)}: run deploy/postgres/roles.sql once as its owner "
            "(deploy/postgres/README.md) before the first publish"
        )


def apply_access(cur, schema: str) -> None:
    """Grant the analyst role every table of `schema` and the unit role the tables it may read, with
    row-level security on each table of `UNIT_CODE_COLUMNS`. Run as the tables' owner (the refresh role), in
    the publish's transaction, on the version's schema before it becomes `published`."""
    _check_roles(cur)
    analyst, unit = quote_ident(pg.ANALYST_ROLE), quote_ident(pg.UNIT_ROLE)
    target = quote_ident(schema)
    cur.execute("select tablename from pg_tables where schemaname = %s order by tablename", [schema])
    tables = [row[0] for row in cur.fetchall()]
    if "dim_agency" not in tables and UNIT_CODE_COLUMNS.keys() & set(tables):
        raise RuntimeError(f"schema {schema} has no dim_agency: a unit's rows cannot be told from its neighbours'")
    cur.execute(f"grant usage on schema {target} to {analyst}, {unit}")
    visible = visible_codes_sql(schema)
    for table in tables:
        name = f"{target}.{quote_ident(table)}"
        cur.execute(f"grant select on {name} to {analyst}")
        if table in SHARED_TABLES:
            cur.execute(f"grant select on {name} to {unit}")
        elif table in UNIT_CODE_COLUMNS:
            cur.execute(f"grant select on {name} to {unit}")
            cur.execute(f"alter table {name} enable row level security")
            cur.execute(f"create policy {ANALYST_POLICY} on {name} for select to {analyst} using (true)")
            cur.execute(
                f"create policy {UNIT_POLICY} on {name} for select to {unit}"
                f" using ({quote_ident(UNIT_CODE_COLUMNS[table])} in ({visible}))"
            )
