# Every target makes .venv if it is missing and installs what it needs into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test run lint bench clean

demo: $(VENV)/.demo
	$(BIN)/python -m bot demo

test: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# mypy (about 18 s of one core from a cold cache) checks while the tests run, in the time
	@# their waits on emulators and flood windows leave; its verdict is printed after theirs.
	$(BIN)/mypy > $(VENV)/mypy.log 2>&1 & typing=$$!; \
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n 5 --dist worksteal; tests=$$?; \
	wait $$typing; typed=$$?; cat $(VENV)/mypy.log; \
	if [ $$typed -ne 0 ]; then exit $$typed; fi; exit $$tests

run: $(VENV)/.run
	$(BIN)/python -m bot run

lint: $(VENV)/.test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.test
	$(BIN)/python -m bench.delivery_memory
	$(BIN)/python -m bench.flood_pacing
	$(BIN)/python -m bench.render_speed
	$(BIN)/python -m bench.crowd all
	$(BIN)/python -m bench.callbacks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.demo: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[sandbox]'
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.demo $(VENV)/.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
