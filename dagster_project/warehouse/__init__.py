"""The warehouse lifecycle: the dbt project and its manifest, the audit of a run's build, the
atomic publish of `dx.duckdb`, the one-refresh-at-a-time lock, and where the warehouse stands."""
