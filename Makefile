PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= kg-out

.PHONY: demo test install install-test install-test-deps lint-tools bench bench-scale eval train clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

# ESLint for kg/static/graph.js, from the npm registry into tools/eslint/node_modules (git-ignored);
# tests/test_render.py runs it when it is there and skips it, saying so, when it is not.
lint-tools:
	cd tools/eslint && npm ci --no-audit --no-fund --loglevel=error

demo: install
	$(BIN)/kg build --out $(OUT)
	@echo "Open $(abspath $(OUT))/graph.html in a browser; try: $(BIN)/kg query who-said-what --out $(OUT)"

# The system programs the tests drive for real (Chromium, Virtuoso, Node.js): installed when root, else named.
install-test-deps:
	tools/install-test-deps

test: install-test install-test-deps
	@$(MAKE) -s lint-tools || echo "warning: could not install ESLint; its test is skipped" >&2
	$(BIN)/python -m pytest -q

# Every evaluation set built and scored into one table; writes eval/results.md (about 3 minutes).
eval: install-test
	$(BIN)/python eval/run.py

# The content-boundary model of kg/extract/learned.py, from PolNeAR train (../shared/eval/polnear/train): the same
# data gives the same bytes. DOCS=/tmp/polnear-train.spacy keeps the parsed articles for the next run.
train: install
	$(BIN)/python tools/train_claims.py $(if $(DOCS),--docs $(DOCS))

bench: install-test
	$(BIN)/python bench/bench.py

# Opt-in, long: kg build of polnear-train under COPIES sets of article ids (10: 8,400 articles) against one set,
# per-article time and peak RSS (bench/bench_scale.py; about 11x one 840-article build: 30 minutes on 2 idle cores,
# over 2 hours on a busy machine; COPIES=3 took 42 minutes on a busy one).
COPIES ?= 10
bench-scale: install-test
	nice $(BIN)/python bench/bench_scale.py --copies $(COPIES)

clean:
	rm -rf $(OUT) build *.egg-info
