# One command to run the pipeline on the shipped sample, one to run the tests.
# Everything installs into project-local folders: .tools (uv itself) and .venv (the locked environment).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
export UV_PROJECT_ENVIRONMENT := $(VENV)
RAW_DIR := $(or $(DX_RAW_DIR),raw)

.PHONY: install run test sample docs dagster-ui clean reliability browser office bench

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	$(VENV)/bin/python -c "from dagster_project.transform import prepare_manifest; prepare_manifest(force=True)"
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

## LibreOffice (round-trips agency files, prints the Excel and DOCX reports to PDF) and poppler (PDF to text/PNG).
office:
	command -v soffice && command -v pdftoppm || (apt-get update && apt-get install -y --no-install-recommends \
		libreoffice-calc libreoffice-writer poppler-utils fonts-dejavu-core fonts-liberation)

test: install browser office
	$(VENV)/bin/python -m pytest

docs: install
	cd dbt && DX_WAREHOUSE_DIR=$(CURDIR)/warehouse ../$(VENV)/bin/dbt docs generate --profiles-dir .

dagster-ui: install
	$(VENV)/bin/dagster dev -m dagster_project.definitions -h 127.0.0.1 -p 3000

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
## memory, README queries and scaling in one run; prints a table and writes bench/results.json.
bench: install
	$(VENV)/bin/python bench/run_bench.py
