"""Đức Phổ digital-transformation indicator warehouse.

Dagster assets ingest agency files, dbt on DuckDB builds the marts, a publish step serves analysts.
"""
