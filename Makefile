# One command to run the pipeline on the shipped sample, one to run the tests.
# Everything installs into project-local folders: .tools (uv itself) and .venv (the locked environment).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
export UV_PROJECT_ENVIRONMENT := $(VENV)
RAW_DIR := $(or $(DX_RAW_DIR),raw)

.PHONY: install run test test-fast lint sample docs notebook analyst-clients dagster-ui clean reliability browser office bench postgres

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	$(VENV)/bin/python -c "from dagster_project.warehouse.dbt import prepare_manifest; prepare_manifest(force=True)"
	touch $@

install: $(VENV)/.installed

## The sample world is generated (deterministically) into raw/ when raw/ holds no agency files yet.
sample: install
	@if [ -z "$$(find $(RAW_DIR) -type f ! -name README.md 2>/dev/null | head -n 1)" ]; then \
		echo "generating the sample world into $(RAW_DIR)/"; \
		$(VENV)/bin/python -m sample_world --out $(RAW_DIR) --manifest warehouse/sample.manifest.json --force; \
	fi

run: sample
	$(VENV)/bin/dxw refresh

## Headless Chromium renders the HTML scorecard in the tests (Debian's `chromium` package).
browser:
	command -v chromium || (apt-get update && apt-get install -y --no-install-recommends chromium)

## PostgreSQL 15's server binaries (initdb, pg_ctl, postgres, psql) for the Postgres lane of the tests, which starts a
## throwaway cluster on 127.0.0.1 (tests/pg_server.py). Debian's package would also create and start a cluster of
## its own: createcluster.conf asks it not to. initdb refuses root, so as root the cluster runs as a system user.
PG_OS_USER := $(or $(DX_PG_OS_USER),dxpg)
postgres:
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb || { \
		mkdir -p /etc/postgresql-common && echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf; \
		apt-get update && apt-get install -y --no-install-recommends postgresql; }
	if [ "$$(id -u)" = 0 ] && ! id -u $(PG_OS_USER) >/dev/null 2>&1; then \
		useradd --system --no-create-home --shell /usr/sbin/nologin $(PG_OS_USER); fi

## LibreOffice (round-trips agency files, prints the Excel and DOCX reports to PDF) and poppler (PDF to text/PNG).
office:
	command -v soffice && command -v pdftoppm || (apt-get update && apt-get install -y --no-install-recommends \
		libreoffice-calc libreoffice-writer poppler-utils fonts-dejavu-core fonts-liberation)

## The DuckDB clients analysts have (the registry's duckdb-cli, a duckdb<2 Python package), in their own
## environment: tests/test_analyst_clients.py runs the README's queries with them on the published file.
ANALYST_CLIENTS := .tools/analyst-clients
$(ANALYST_CLIENTS)/.installed: $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(ANALYST_CLIENTS)
	$(UV) pip install --quiet --python $(ANALYST_CLIENTS)/bin/python "duckdb-cli<2" "duckdb<2"
	touch $@

analyst-clients: $(ANALYST_CLIENTS)/.installed

## The notebook's Jupyter kernel, "ducpho-dx" (notebooks/scorecard.ipynb names it): this project's .venv.
## The tests use the copy inside .venv; `make notebook` also registers it for this user, so any Jupyter
## client (JupyterLab, Notebook, VS Code) finds it.
KERNEL := ducpho-dx
KERNEL_DISPLAY := Python 3 (ducpho-dx .venv)
KERNEL_SPEC := $(VENV)/share/jupyter/kernels/$(KERNEL)/kernel.json
$(KERNEL_SPEC): $(VENV)/.installed
	$(VENV)/bin/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "$(KERNEL_DISPLAY)"

notebook: $(KERNEL_SPEC)
	$(VENV)/bin/python -m ipykernel install --user --name $(KERNEL) --display-name "$(KERNEL_DISPLAY)"
	@echo "Open notebooks/scorecard.ipynb in any Jupyter client; it starts on the kernel '$(KERNEL_DISPLAY)'."
	@echo 'It reads warehouse/dx.duckdb (make run publishes it), or $$DX_WAREHOUSE_DIR/dx.duckdb if set for Jupyter.'

test: install browser office analyst-clients $(KERNEL_SPEC) postgres
	$(VENV)/bin/python -m pytest

## The fast lane: parsers, unit and model tests that need no generated world and no refresh.
test-fast: install postgres $(KERNEL_SPEC)
	$(VENV)/bin/python -m pytest -m "not pipeline"

## Python (ruff) and SQL (sqlfluff: the dbt models with the dbt templater, .sqlfluff; the GX suites'
## queries with the raw templater, expectations/.sqlfluff, which only applies when run from that folder)
## lint; CI runs it before the tests.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DX_WAREHOUSE_DIR=$$(mktemp -d) $(VENV)/bin/sqlfluff lint dbt/models
	cd expectations && ../$(VENV)/bin/sqlfluff lint sql

## The dbt documentation site as one self-contained page (manifest and catalog inside) that a browser opens
## from disk; dbt's index.html would need a web server to load them. DOCS_DIR: where it goes. The column
## types come from the build database; before the first `make run` the page has everything but them.
DOCS_DIR ?= $(CURDIR)/dbt/target
DOCS_WAREHOUSE := $(abspath $(or $(DX_WAREHOUSE_DIR),warehouse))
docs: install
	@if [ -f $(DOCS_WAREHOUSE)/build.duckdb ]; then wh=$(DOCS_WAREHOUSE); catalog=; else \
		echo "no build database at $(DOCS_WAREHOUSE) yet (make run): documenting the models without column types"; \
		wh=$$(mktemp -d); catalog=--empty-catalog; fi; \
	cd dbt && DX_WAREHOUSE_DIR=$$wh ../$(VENV)/bin/dbt docs generate --static $$catalog --profiles-dir . \
		--target-path $(abspath $(DOCS_DIR)); status=$$?; \
	if [ -n "$$catalog" ]; then rm -rf "$$wh"; fi; exit $$status
	@echo "dbt docs: open file://$(abspath $(DOCS_DIR))/static_index.html"

## The Dagster UI and its daemon (sensors, schedule) on 127.0.0.1:3000. Runs and sensor cursors are kept in
## .dagster_home/ (configured like deploy/dagster.yaml), or in the instance DAGSTER_HOME names.
DAGSTER_HOME ?= $(CURDIR)/.dagster_home
dagster-ui: install
	mkdir -p "$(DAGSTER_HOME)" && { [ -f "$(DAGSTER_HOME)/dagster.yaml" ] || cp deploy/dagster.yaml "$(DAGSTER_HOME)/"; }
	DAGSTER_HOME="$(DAGSTER_HOME)" $(VENV)/bin/dagster dev -m dagster_project.definitions -h 127.0.0.1 -p 3000

clean:
	rm -rf warehouse dbt/target dbt/logs $(VENV)/.installed

## Reliability proofs (RELIABILITY.md): the bad-input corpus, crash, concurrency, determinism and
## security tests, then more crash trials than the suite runs (TRIALS=30 by default).
TRIALS ?= 30
reliability: install
	$(VENV)/bin/python -m pytest -q -p no:warnings tests/bad_input tests/parsing/test_layout_conservation.py \
		tests/test_office_roundtrip.py tests/test_crash_safety.py \
		tests/test_concurrency.py tests/test_determinism.py tests/test_security.py
	$(VENV)/bin/python -m tests.reliability.crash_trials --trials $(TRIALS)

## The nation-scale benchmark (bench/run_bench.py): ingestion, dbt, gates, publish, incremental, overhead,
## memory, README queries and scaling in one run, and the dbt build on a throwaway PostgreSQL server; prints a
## table and writes bench/results.json.
bench: install postgres
	$(VENV)/bin/python bench/run_bench.py
