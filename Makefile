# The two commands: `make run` (set up and start the app) and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
INSTALLED = $(VENV)/.installed

.PHONY: run test lint types js bench translations

run: $(INSTALLED)
	$(BIN)/assetmap serve

test: $(INSTALLED) lint js
	$(BIN)/python -m pytest

lint: $(INSTALLED) types
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# mypy: strict on src/assetmap (pyproject.toml); the scripts around it (app.py, server.py,
# views/, bench/) checked without strict's extra demands. bench/ has a run of its own, since
# views/planning.py and bench/planning.py would both be the module "planning".
NOT_STRICT = --allow-untyped-defs --allow-incomplete-defs --allow-untyped-calls \
	--allow-untyped-decorators --allow-any-generics --allow-subclassing-any --no-warn-return-any \
	--no-warn-unused-ignores --no-warn-redundant-casts --implicit-reexport --no-strict-equality \
	--no-extra-checks --no-check-untyped-defs
types: $(INSTALLED)
	$(BIN)/mypy
	$(BIN)/mypy $(NOT_STRICT) app.py server.py views
	$(BIN)/mypy $(NOT_STRICT) bench

# The map's JavaScript: every file parses, and its pure parts pass their tests (Node's own
# test runner, no npm).
js:
	for script in src/assetmap/render/js/*.js; do node --check "$$script" || exit 1; done
	node --check src/assetmap/web/locate.js
	node --check src/assetmap/web/live_watch.js
	node --test tests/js/*.test.js

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

bench: $(INSTALLED)
	$(BIN)/python bench/planning.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/page.py
	$(BIN)/python bench/transfer.py
	$(BIN)/python bench/ogc.py
	$(BIN)/python bench/gazetteer.py
	$(BIN)/python bench/basemap.py

# Refresh the catalogs after changing user-facing text: extract, merge into nb and nl, compile.
translations: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k N_ --no-location --sort-output \
		--project Assetmap --copyright-holder "Assetmap contributors" \
		-o src/assetmap/locales/assetmap.pot .
	$(BIN)/pybabel update -D assetmap -i src/assetmap/locales/assetmap.pot -d src/assetmap/locales \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -D assetmap -d src/assetmap/locales --statistics
