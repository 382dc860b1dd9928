# ReMentor: `make run` serves the tool with its demo platform; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app lti_app
# `make run PORT=5050`: the demo's address follows the port unless DEMO_BASE_URL says otherwise.
PORT   ?= 5000
export DEMO_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test bench translations clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtualenv: on Debian install python3.11-venv first."; exit 1; }
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[demo]'
	@touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,demo]'
	@touch $@

run: $(VENV)/.run-deps
	$(FLASK) db upgrade
	$(FLASK) keys ensure
	$(FLASK) demo seed
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.test-deps
	$(BIN)/pytest

bench: $(VENV)/.test-deps
	$(BIN)/python benchmarks/launch.py

# Extract the marked strings, bring every catalogue up to date and compile it (the .po and .mo files are kept in
# the repository, so a fresh clone and an installed wheel need neither this target nor pybabel)
translations: $(VENV)/.test-deps
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext --no-location --sort-output --omit-header -o lti_app/translations/messages.pot .
	$(BIN)/pybabel update -i lti_app/translations/messages.pot -d lti_app/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d lti_app/translations --statistics

clean:
	rm -rf $(VENV) .pytest_cache rementor.egg-info
