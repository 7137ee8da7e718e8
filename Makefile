# mapdash: `make run` sets up and starts the dashboard; `make test` sets up and runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: install install-dev run serve seed test browser lint bench clean

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

test: install-dev browser
	$(BIN)/python -m pytest -q

lint: install-dev
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache static/vendor static/basemap
