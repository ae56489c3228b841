# One command runs the service, one runs the tests. Both set up what they need first.
#   make run    - the service on http://127.0.0.1:8000 (web chat at /chat), SQLite in ./data
#   make test   - installs everything (system packages when run as root) and runs all tests
#   make bench  - prints the benchmark figures

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint catalogs messages system-deps js-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# setuptools too: the one Python's venv brings (65.x) has known vulnerabilities.
	$(BIN)/pip install -q --upgrade pip setuptools
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# Extraction keywords: N_ (plain), pN_ (with a context, for buttons), nN_ (plurals).
EXTRACT := $(BIN)/pybabel extract -F babel.cfg -k N_ -k pN_:1c,2 -k nN_:1,2 -k pgettext:1c,2 \
	--no-location --sort-output --omit-header -w 100

catalogs: $(STAMP)
	$(BIN)/pybabel -q compile -d locales -D messages

# After changing any learner-facing text: refresh the template and every language's catalog.
messages: $(STAMP)
	$(EXTRACT) -o locales/messages.pot .
	$(BIN)/pybabel update -d locales -D messages -i locales/messages.pot --no-fuzzy-matching --ignore-obsolete -w 100

run: $(STAMP) catalogs
	$(BIN)/meritkompis serve

system-deps:
	bash scripts/system-deps.sh

js-deps:
	bash scripts/js-deps.sh

test: system-deps js-deps $(STAMP) catalogs
	$(BIN)/ruff check api bot dialogs tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP) catalogs
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check api bot dialogs tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
