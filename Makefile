# valuelab — two commands on a fresh machine:
#   make demo   create .venv, install the kit, build the course + sample reports, serve the apps
#   make test   install what the tests need (Debian's chromium, bubblewrap and postgresql too), lint,
#               run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8866
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?= --durations=25

.PHONY: help setup setup-test build demo serve test test-fast test-slow nbval lint format chromium bubblewrap postgresql bench thumbnails page widgets regenerate clean

help:
	@echo "make demo    - install into $(VENV), build the course and sample reports into build/, serve the apps"
	@echo "make build   - the same without serving"
	@echo "make test    - install test needs (incl. Debian chromium, bubblewrap, postgresql), lint, run every test"
	@echo "make lint    - ruff check + format check (notebooks included) + the architecture contracts"
	@echo "make nbval   - every lesson and student exercise runs without an error (pytest --nbval-lax)"
	@echo "make bench   - run the benchmarks in benchmarks/"
	@echo "make serve   - serve the stakeholder apps on http://127.0.0.1:$(PORT)/"
	@echo "make thumbnails - screenshot every app for the gallery (notebooks/apps/thumbnails/)"
	@echo "make page    - rebuild the apps' page script (valuelab/apps/static/page.js; needs Node.js and npm)"
	@echo "make widgets - rebuild the reports' widget manager (valuelab/reports/static/widgets.js; Node.js, npm)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "valuelab needs Python >= 3.11; set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The course executes lesson 03's BG/NBD section, so the kit installs with its clv extra.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[clv]"
	@touch $@

# One pip run for the tests' set (a superset of the kit's): a second resolve costs about 15 s.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,dask,clv]"
	@touch $(VENV)/.installed $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

build: setup
	$(BIN)/valuelab build --out build

demo: build
	@echo ""
	@echo "  Course and sample reports: file://$(CURDIR)/build/index.html"
	@echo "  Apps (Ctrl-C to stop):     http://127.0.0.1:$(PORT)/"
	@echo ""
	$(BIN)/valuelab serve --port $(PORT) --no-browser

serve: setup
	$(BIN)/valuelab serve --port $(PORT) --no-browser

chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@"$(CHROMIUM)" --version

# The sandbox `valuelab course grade` runs each submission in (Debian's bubblewrap).
bubblewrap:
	@if ! command -v bwrap >/dev/null 2>&1; then \
	  echo "Installing Debian's bubblewrap for sandboxed grading"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq bubblewrap >/dev/null; \
	fi
	@bwrap --version

# The PostgreSQL server the tests start in a temporary directory (tests/postgres_server.py).
# Debian keeps initdb and pg_ctl in /usr/lib/postgresql/<version>/bin, off PATH.
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then \
	  echo "Installing Debian's postgresql for the database tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi
	@bindir=$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1); \
	  "$${bindir:-$$(dirname "$$(command -v initdb)")}/initdb" --version

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: setup-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The browser tests and the timed ones (caps, time limits, signals, memory limits) run alone
# first; then the fast tests, the other slow ones (notebooks, batches, the wheel) and the
# notebooks' standard check share the two cores, each printing its own report when done. Every
# part runs even when an earlier one failed; any failure fails the target.
test: setup-test chromium bubblewrap postgresql lint
	@$(BIN)/python -m pytest -m "browser or timed" $(PYTEST_ARGS); alone=$$?; \
	$(MAKE) --no-print-directory -j3 --output-sync=target -k test-fast test-slow nbval; rest=$$?; \
	echo "browser and timed tests: exit $$alone; fast, slow and nbval: exit $$rest"; \
	test $$alone -eq 0 -a $$rest -eq 0

test-fast: setup-test
	$(BIN)/python -m pytest -m "not browser and not slow and not timed" -p no:cacheprovider $(PYTEST_ARGS)

test-slow: setup-test
	$(BIN)/python -m pytest -m "slow and not browser and not timed" -p no:cacheprovider $(PYTEST_ARGS)

# Instructors' standard check (exercises/README.md, "Adding a lesson"): every cell of the lessons
# and of the learners' copies runs without an error; outputs are not compared. The suite's own
# runner (tests/test_notebooks.py) executes the same notebooks on warm kernels and asserts their
# numbers; this runs them as a learner's Jupyter would, one fresh kernel per notebook.
NBVAL_NOTEBOOKS ?= notebooks/[0-9]*.ipynb exercises/*/student/exercise.ipynb
nbval: setup-test
	$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider -q $(NBVAL_NOTEBOOKS)

bench: setup-test chromium
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Gallery thumbnails: the app tests screenshot every app into build/screenshots/.
thumbnails: setup-test chromium
	$(BIN)/python -m pytest tests/apps/test_apps_in_browser.py tests/apps/test_report_launcher.py -q -m browser
	mkdir -p notebooks/apps/thumbnails
	cp build/screenshots/*.png notebooks/apps/thumbnails/

# The apps' page front end, built from valuelab/apps/static/page/ and committed
# (valuelab needs no Node.js): only after changing that folder.
page:
	cd valuelab/apps/static/page && npm ci --no-audit --no-fund && node build.mjs

# The reports' widget manager (@jupyter-widgets/html-manager's embed script), built from
# valuelab/reports/static/widgets/ and committed: only after changing that folder. Its
# node_modules is removed after the build (it holds a .py file the package must not carry).
widgets:
	cd valuelab/reports/static/widgets && npm ci --no-audit --no-fund && node build.mjs && rm -rf node_modules

regenerate: setup
	$(BIN)/valuelab datasets regenerate

clean:
	rm -rf build .pytest_cache dist
