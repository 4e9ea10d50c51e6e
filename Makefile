# The two entry points of README.md. Both install into .venv/ at the repository root.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kelisim-installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Every runtime and test dependency at the exact version CI tested, with its hashes
# (torch is the local CPU wheel, 2.13.0+cpu). pyproject.toml keeps the loose ranges;
# this file is what installs. Regenerate it with `make lock`.
LOCK   := requirements.lock
PIP    := $(BIN)/pip --disable-pip-version-check
# `make lock` runs pip-compile from its own venv, so .venv holds only what the lock says.
LOCK_VENV  := .venv-lock
LOCK_TOOLS := pip==26.3 pip-tools==7.7.0
# e.g. `make lock LOCK_ARGS=--upgrade-package=msgspec` (or --upgrade: everything)
LOCK_ARGS  ?=

.PHONY: run test setup browser lock build bench scorecard clean

# The lock, then the project itself without dependencies (with the lock's setuptools,
# no build isolation): nothing that is not in the lock gets installed.
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r $(LOCK)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

## lock: re-resolve pyproject.toml (runtime + test extra) into requirements.lock; keeps the pins that still fit
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check $(LOCK_TOOLS); }
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	    --extra test --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS) \
	    --output-file $(LOCK) pyproject.toml

## run: set up, build the knowledge base from corpus/, serve the API and reader pages
run: setup
	$(BIN)/kelisim serve --corpus corpus --kb var/kb --host $(HOST) --port $(PORT)

## test: set up and run the test suite
## browser: Debian's chromium and its chromedriver, which the page tests drive headless (apt-get needs root)
browser:
	@{ command -v chromium && command -v chromedriver; } >/dev/null || apt-get install -y -q chromium chromium-driver >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null; }

test: setup browser
	$(BIN)/python -m pytest

build: setup
	$(BIN)/kelisim build --corpus corpus --kb var/kb

bench: setup
	$(BIN)/python bench/parse_speed.py
	$(BIN)/python bench/extract_speed.py
	$(BIN)/python bench/lemmas.py
	$(BIN)/python bench/nlp_speed.py
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/tune_fusion.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/http_load.py
	$(BIN)/python bench/compare.py
	$(BIN)/python bench/generalization.py
	$(BIN)/python bench/embed_speed.py
	$(BIN)/python bench/cold_search.py
	$(BIN)/python bench/keyword_engines.py
	$(BIN)/python bench/integrity.py
	$(BIN)/python bench/scale.py --sizes 5,500  # add 5000 for the full curve (about 10 minutes more)

scorecard: setup
	mkdir -p var
	$(BIN)/kelisim parse corpus --format json > var/parse.json
	$(PYTHON) ../shared/tools/scorecard.py var/parse.json -v
	$(BIN)/kelisim parse tests/fixtures/dev-texts --format json > var/dev-texts.json
	$(PYTHON) ../shared/tools/scorecard.py var/dev-texts.json --gold ../shared/gold/dev-texts.json -v

clean:
	rm -rf $(VENV) $(LOCK_VENV) var .pytest_cache .hypothesis
