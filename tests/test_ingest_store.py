"""The ingestion tables have one column spec each: the table DuckDB creates, the columns inserts name
and the row records the ingestion builds all come from it, in the same order."""

from __future__ import annotations

import pickle

import duckdb
import pytest

from dagster_project.ingest import store


def test_each_table_is_created_inserted_and_recorded_with_the_columns_of_its_one_spec():
    with duckdb.connect() as con:
        store.ensure_tables(con)
        for name, table in store.TABLES.items():
            created = tuple(r[0] for r in con.execute(f"describe {name}").fetchall())
            assert created == table.columns, name
            assert table.row._fields == table.columns, name
    assert set(store.VALUE_ROW_COLUMNS) | set(store.VALUE_SEGMENT_COLUMNS) == set(store.VALUES.columns)


def test_a_row_record_round_trips_through_its_table_and_through_pickle_as_workers_send_it():
    row = store.RejectRow(
        file_id="f1",
        path="2025-10-15/a.xlsx",
        sheet=None,
        row_number=7,
        reason_code="bad_number",
        message_vi="sai số",
        message_en="bad number",
        found="1,2,3",
    )
    assert pickle.loads(pickle.dumps(row)) == row
    with duckdb.connect() as con:
        store.ensure_tables(con)
        assert store.append_rows(con, "ingest_rejects", [row]) == 1
        assert con.execute("select * from ingest_rejects").fetchall() == [tuple(row)]
    with pytest.raises(TypeError):
        store.RejectRow(file_id="f1")  # every column is named: none can be left out by accident
