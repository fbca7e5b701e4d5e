"""The unattended path end to end, started as README "Running unattended" starts it: `dagster instance
migrate` on a temporary DAGSTER_HOME holding deploy/dagster.yaml, then `dagster-daemon` and
`dagster-webserver` on 127.0.0.1, with no virtual environment on PATH. A raw tree lands; the raw-tree
sensor (on by default) starts a refresh that publishes dx.duckdb and whose summary line the run-status
sensor writes; then the UI, in headless Chromium, shows the code location loaded, the asset graph and
that run's success.

The world is a small synthetic one (2 communes, 1 year): the refresh's cost here is dbt's and the
checks' fixed start-up, not the data. DX_SENSOR_INTERVAL_SECONDS makes the sensors look every few
seconds instead of every 30–60 s.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from sample_world import generate
from tests.clients import chromium_page

pytestmark = pytest.mark.pipeline  # a generated world, refreshed by a run the daemon starts

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCATION = "dagster_project.definitions"
TIMEOUT_S = 900  # a loaded CI machine; the run itself takes about as long as `dxw refresh`

SENSOR_TICK = """query ($selector: SensorSelector!) { sensorOrError(sensorSelector: $selector) {
  __typename ... on Sensor { sensorState { status ticks(limit: 1) { status skipReason } } } } }"""
RUNS = """{ runsOrError { ... on Runs { results { runId status jobName tags { key value } } } } }"""


def _small_world(base: Path) -> tuple[Path, Path]:
    """A synthetic raw tree (generated outside the landing zone) and the registry that knows its units."""
    sys.path.insert(0, str(ROOT / "bench"))  # the one home of the town-plus-world registry
    from transform_bench import town_and_world_registry

    generate(base / "world", base / "manifest.json", communes=2, offices=0, years=1, registry_dir=base / "world_reg")
    return base / "world", town_and_world_registry(base / "world_reg", base / "registry")


def _held_out(base: Path, world: Path) -> Path:
    """One ordinary report of the world, moved aside so it can land later as the next day's only new file."""
    from stage_world import held_out_file  # the bench's rule for an ordinary new report

    held = held_out_file(json.loads((base / "manifest.json").read_text(encoding="utf-8")))
    parked = base / "later" / Path(held).name
    parked.parent.mkdir()
    os.rename(world / held, parked)
    return parked


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """Started in its own process group, so stopping it stops its code servers and run workers too."""
    with log.open("w", encoding="utf-8") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    for sig, grace in ((signal.SIGTERM, 40), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)  # anyone left in the group?
            except ProcessLookupError:
                proc.wait(timeout=5)
                return
            proc.poll()
            time.sleep(0.5)


def _graphql(port: int, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


def _wait_for(what: str, probe, logs: list[Path], timeout: float = TIMEOUT_S, every: float = 2.0):
    """Call `probe` until it returns something truthy; fail naming `what`, with the logs' tails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = probe()
        except OSError:  # the webserver is not listening yet
            found = None
        if found:
            return found
        time.sleep(every)
    tails = "\n".join(f"--- {log.name}:\n{log.read_text(encoding='utf-8', errors='replace')[-3000:]}" for log in logs)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{tails}")


def _raw_tree_sensor_tick(port: int) -> dict | None:
    selector = {"repositoryLocationName": LOCATION, "repositoryName": "__repository__", "sensorName": "raw_tree_sensor"}
    sensor = _graphql(port, SENSOR_TICK, {"selector": selector})["sensorOrError"]
    # a tick still being evaluated is STARTED: wait for the first one that has ended
    ticks = [t for t in (sensor.get("sensorState") or {}).get("ticks") or [] if t["status"] != "STARTED"]
    return {"sensor": sensor["sensorState"]["status"], **ticks[-1]} if ticks else None


def _sensor_run(port: int, after: set[str] = frozenset()) -> dict | None:
    """The raw-tree sensor's finished run, other than those in `after`."""
    for run in _graphql(port, RUNS)["runsOrError"]["results"]:
        tags = {t["key"]: t["value"] for t in run["tags"]}
        if (
            tags.get("dagster/sensor_name") == "raw_tree_sensor"
            and run["status"] in ("SUCCESS", "FAILURE", "CANCELED")
            and run["runId"] not in after
        ):
            return run
    return None


def _summary_line(log: Path, run_id: str) -> dict | None:
    if not log.exists():
        return None
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return next((line for line in lines if line["run_id"] == run_id), None)


def _dismiss_community_prompt(page) -> None:
    """Dagster's first visit asks to join its community; Skip, once per browser profile."""
    from playwright.sync_api import TimeoutError as NoPrompt

    skip = page.get_by_role("button", name="Skip")
    with contextlib.suppress(NoPrompt):
        skip.wait_for(timeout=5000)
        skip.click()


def test_a_file_landing_starts_a_daemon_run_that_publishes_logs_and_shows_in_the_ui(tmp_path):
    started = time.monotonic()
    world, registry = _small_world(tmp_path)
    later = _held_out(tmp_path, world)
    home, raw, warehouse = tmp_path / "dagster_home", tmp_path / "raw", tmp_path / "warehouse"
    home.mkdir()
    raw.mkdir()
    shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DX_", "DAGSTER_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if Path(p) != BIN)  # no activation
    env.update(
        DAGSTER_HOME=str(home),
        DX_RAW_DIR=str(raw),
        DX_WAREHOUSE_DIR=str(warehouse),
        DX_REGISTRY_DIR=str(registry),
        DX_SENSOR_INTERVAL_SECONDS="2",
    )
    port = _free_port()
    logs = [tmp_path / "daemon.log", tmp_path / "webserver.log"]
    # README's order: the instance's storage exists before two processes open it
    subprocess.run([str(BIN / "dagster"), "instance", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    daemon = _start([str(BIN / "dagster-daemon"), "run", "-m", LOCATION], env, logs[0])
    webserver = None
    try:
        webserver = _start(
            [str(BIN / "dagster-webserver"), "-m", LOCATION, "-h", "127.0.0.1", "-p", str(port)], env, logs[1]
        )
        # the sensor is on without anyone switching it on, and has looked at the empty landing zone
        first = _wait_for("the raw-tree sensor's first tick", lambda: _raw_tree_sensor_tick(port), logs)
        assert first["sensor"] == "RUNNING" and first["status"] == "SKIPPED", first
        assert first["skipReason"] and "holds no file yet" in first["skipReason"], first

        os.rename(world, raw / dt.date.today().isoformat())  # the files land at once, as a move into the tree
        dropped = time.monotonic()
        run = _wait_for("the sensor's refresh run to finish", lambda: _sensor_run(port), logs)
        assert run["status"] == "SUCCESS" and run["jobName"] == "refresh", run
        run_id, run_seconds = run["runId"], time.monotonic() - dropped

        with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
            assert con.execute("select count(*) from mart_scorecard").fetchone()[0] > 0
            assert con.execute("select count(*) from fct_indicator_values").fetchone()[0] > 0
            assert con.execute("select publish_id from publish_log").fetchall() == [(run_id,)]
        assert (warehouse / "reports" / "scorecard.html").is_file()

        summary = _wait_for(
            "the run's summary line", lambda: _summary_line(warehouse / "logs" / "refresh.jsonl", run_id), logs, 120
        )
        assert summary["status"] == "SUCCESS" and summary["published"] is True, summary
        assert summary["files"]["new"] == summary["files"]["seen"] > 0
        assert "all blocking checks passed" in summary["why"]
        assert summary["kept_by_dbt"] == [], summary  # the first build builds everything

        # the next day one report lands: the second run rebuilds what it feeds and keeps the rest as built
        os.rename(later.parent, raw / (dt.date.today() + dt.timedelta(days=1)).isoformat())  # at once, as before
        second = _wait_for("the second refresh run to finish", lambda: _sensor_run(port, {run_id}), logs)
        assert second["status"] == "SUCCESS" and second["jobName"] == "refresh", second
        summary2 = _wait_for(
            "the second run's summary line",
            lambda: _summary_line(warehouse / "logs" / "refresh.jsonl", second["runId"]),
            logs,
            120,
        )
        assert summary2["published"] is True and summary2["files"]["new"] == 1, summary2
        assert "dim_agency" in summary2["kept_by_dbt"], summary2  # the registry's models, kept
        with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
            published = [row[0] for row in con.execute("select publish_id from publish_log order by 1").fetchall()]
            assert sorted(published) == sorted([run_id, second["runId"]]), published
            assert con.execute("select count(*) from dim_agency").fetchone()[0] > 0

        with chromium_page(1400, 900) as page:
            ui = f"http://127.0.0.1:{port}"
            page.goto(f"{ui}/locations")
            _dismiss_community_prompt(page)
            page.get_by_text("Loaded", exact=True).first.wait_for(timeout=60000)
            text = page.inner_text("body")
            assert LOCATION in text and "1 code location" in text and "Failed" not in text, text
            page.screenshot(path=str(tmp_path / "ui_locations.png"))

            page.goto(f"{ui}/locations/{LOCATION}/asset-groups/publish")
            for asset in ("published_warehouse", "scorecard_reports"):
                page.get_by_text(asset, exact=True).first.wait_for(timeout=60000)
            page.get_by_text("Materialized").first.wait_for(timeout=60000)
            page.screenshot(path=str(tmp_path / "ui_asset_graph.png"))

            page.goto(f"{ui}/runs")
            page.get_by_text(run_id[:8]).first.wait_for(timeout=60000)
            text = page.inner_text("body")
            assert "raw_tree_sensor" in text and "Success" in text and "Failure" not in text, text
            page.screenshot(path=str(tmp_path / "ui_runs.png"))

            for shown, png in ((run_id, "ui_run.png"), (second["runId"], "ui_second_run.png")):
                page.goto(f"{ui}/runs/{shown}")
                page.get_by_text("Success", exact=True).first.wait_for(timeout=60000)
                page.get_by_text("scorecard_reports").first.wait_for(timeout=60000)
                page.screenshot(path=str(tmp_path / png))
        print(f"unattended path: {time.monotonic() - started:.0f} s in all, run {run_seconds:.0f} s from the drop")
    finally:
        for proc in (webserver, daemon):
            if proc is not None:
                _stop(proc)
