"""The README's example queries run against a published warehouse and return what they promise."""

import duckdb

from bench.readme_queries import readme_queries


def test_every_readme_example_query_runs_on_the_published_warehouse_and_returns_rows(published_sample):
    _, _, warehouse, first = published_sample
    assert first.returncode == 0
    queries = readme_queries()
    assert len(queries) == 5
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        for query in queries:
            rows = con.execute(query).fetchall()
            assert rows, f"no rows from README query:\\n{query}"


def test_readme_query_1_reads_the_latest_complete_quarter_not_the_one_still_arriving(published_sample):
    _, _, warehouse, first = published_sample
    assert first.returncode == 0
    query = readme_queries()[0]
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        periods = {r[2] for r in con.execute(query).fetchall()}
        latest, complete = con.execute(
            "select max(period_code), max(period_code) filter (where period_complete) from fct_indicator_values "
            "where period_type = 'quarter' and agency_code = 'DUCPHO'"
        ).fetchone()
    assert latest > complete, "the sample world ends on a quarter still arriving"
    assert periods == {complete}
