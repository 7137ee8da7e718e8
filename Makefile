# mapdash: `make run` sets up and starts the dashboard; `make test` sets up and runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: install install-dev run serve seed test browser postgres lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

seed: install
	$(BIN)/mapdash seed

run: seed
	$(BIN)/mapdash serve --host $(HOST) --port $(PORT)

serve: run

browser:
	bash scripts/install_chromium.sh

# PostgreSQL + PostGIS from Debian for the shared-database tests; the tests start (and stop) a throw-away
# cluster on 127.0.0.1 themselves, and are skipped with the reason only where the packages cannot be installed.
postgres:
	-bash scripts/start_postgres.sh --install

# Lint first: formatting, ruff's rules and the import-linter contracts (pyproject.toml) before the suite.
test: install-dev browser postgres lint
	$(BIN)/python -m pytest -q

# Speed and memory at growing sizes (needs ../shared's LGL corpus): a table, and bench/results.json.
# PostgreSQL figures come from a throw-away cluster when it can be started.
bench: install
	@pg="$$(bash scripts/start_postgres.sh 2>/dev/null || true)"; url="$$(echo "$$pg" | sed -n 1p)"; dir="$$(echo "$$pg" | sed -n 2p)"; \
	$(BIN)/mapdash bench --out bench/results.json $${url:+--postgres "$$url"}; status=$$?; \
	if [ -n "$$dir" ]; then bash scripts/start_postgres.sh --stop "$$dir"; fi; exit $$status

# ruff's formatting and lint rules, then the layers' import contracts; `ruff format .` and `ruff check --fix .` fix most.
lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache static/vendor static/basemap
