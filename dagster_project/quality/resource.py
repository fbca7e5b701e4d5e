"""The Dagster resource that runs the Great Expectations suites: our own, not `dagster-ge`.

It only knows where the suites and the Data Docs live; the caller lends it a connection to the build: DuckDB's,
or a `PostgresConnection` on the run's build schema.
"""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from dagster_project.quality.gx_runner import Connection, SuiteResult, data_docs_index, load_suites, run_suites


class GreatExpectationsRunner(ConfigurableResource):
    """Runs every suite in `expectations_dir` and rebuilds the Data Docs in `docs_dir`."""

    expectations_dir: str
    docs_dir: str

    def run(self, con: Connection) -> list[SuiteResult]:
        return run_suites(con, load_suites(self.expectations_dir), self.docs_dir)

    @property
    def data_docs_index(self) -> Path:
        return data_docs_index(self.docs_dir)
