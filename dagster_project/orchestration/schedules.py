"""The daily refresh: every morning at 06:00 Đức Phổ time, before the offices open.

The raw-tree sensor starts a refresh as soon as a file lands; the schedule guarantees one a day
even when nothing arrived, so `fct_submissions` moves on to the new as-of date and reports stay fresh.
"""

from __future__ import annotations

from dagster import DefaultScheduleStatus, ScheduleDefinition

from dagster_project.orchestration.jobs import REFRESH_JOB

DAILY_REFRESH_CRON = "0 6 * * *"
LOCAL_TIMEZONE = "Asia/Ho_Chi_Minh"

daily_refresh_schedule = ScheduleDefinition(
    name="daily_refresh",
    job_name=REFRESH_JOB,
    cron_schedule=DAILY_REFRESH_CRON,
    execution_timezone=LOCAL_TIMEZONE,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Refresh the warehouse every day at 06:00 Asia/Ho_Chi_Minh (ingest, dbt, checks, publish, reports).",
)
