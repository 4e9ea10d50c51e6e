# The two entry points of README.md. Both install into .venv/ at the repository root.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kelisim-installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test setup build bench scorecard clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## run: set up, build the knowledge base from corpus/, serve the API and reader pages
run: setup
	$(BIN)/kelisim serve --corpus corpus --kb var/kb --host $(HOST) --port $(PORT)

## test: set up and run the test suite
test: setup
	$(BIN)/python -m pytest

build: setup
	$(BIN)/kelisim build --corpus corpus --kb var/kb

bench: setup
	$(BIN)/python bench/parse_speed.py
	$(BIN)/python bench/extract_speed.py
	$(BIN)/python bench/lemmas.py
	$(BIN)/python bench/nlp_speed.py
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/latency.py

scorecard: setup
	mkdir -p var
	$(BIN)/kelisim parse corpus --format json > var/parse.json
	$(PYTHON) ../shared/tools/scorecard.py var/parse.json -v

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
