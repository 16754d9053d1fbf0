PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= kg-out

.PHONY: demo test install install-test install-test-deps bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

demo: install
	$(BIN)/kg build --out $(OUT)
	@echo "Open $(abspath $(OUT))/graph.html in a browser; try: $(BIN)/kg query who-said-what --out $(OUT)"

# The system programs the tests drive for real (Chromium, Virtuoso): installed when root, else named.
install-test-deps:
	tools/install-test-deps

test: install-test install-test-deps
	$(BIN)/python -m pytest -q

bench: install-test
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(OUT) build *.egg-info
