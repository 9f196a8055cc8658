# The two commands of the README: `make run` (build today's lists) and `make test`.
# Both set up a virtualenv in .venv on first use, so a fresh clone needs nothing else.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run dry-run render test lint typecheck unit schema check-schema check-package constraints example bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## build today's lists from config.yml
	$(BIN)/arxiv-bot run $(ARGS)

dry-run: $(STAMP)  ## show what a run would write, writing nothing
	$(BIN)/arxiv-bot run --dry-run $(ARGS)

render: $(STAMP)  ## rebuild every Markdown view from the stored JSON
	$(BIN)/arxiv-bot render $(ARGS)

test: lint typecheck check-schema unit check-package  ## everything CI runs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

schema: $(STAMP)  ## regenerate config.schema.json from the config model
	$(BIN)/python -m bot.config > config.schema.json

check-schema: $(STAMP)  ## the committed schema must be the one the model gives
	$(BIN)/python -m bot.config | diff -u config.schema.json - \
		|| (echo "config.schema.json is stale: run 'make schema'" && exit 1)

check-package: $(STAMP)  ## `pip install .` (not -e) into a fresh venv finds the shipped templates
	rm -rf build/package-check && mkdir -p build/package-check/run
	$(PYTHON) -m venv build/package-check/venv
	build/package-check/venv/bin/python -m pip install --quiet -c constraints.txt .
	build/package-check/venv/bin/python -m pip freeze --exclude arxiv-daily-list \
		> build/package-check/installed.txt
	grep -v '^#' constraints.txt | diff -u - build/package-check/installed.txt \
		|| (echo "constraints.txt is stale: run 'make constraints'" && exit 1)
	cp docs/example/config.yml build/package-check/run/config.yml
	cp -r docs/example/lists build/package-check/run/lists
	cd build/package-check/run && ../venv/bin/arxiv-bot render --config config.yml >/dev/null
	diff -r docs/example/lists build/package-check/run/lists
	diff docs/example/README.md build/package-check/run/README.md
	cd build/package-check/run && ../venv/bin/python -m bot --version
	rm -rf build/package-check

constraints:  ## re-pin everything the Action installs (after changing a pin in pyproject.toml)
	rm -rf build/constraints && $(PYTHON) -m venv build/constraints
	build/constraints/bin/python -m pip install --quiet .
	{ echo "# Every package the Action installs, at the version it installs. pyproject.toml pins"; \
	  echo "# the bot's own dependencies; this file pins theirs too, so that no new release of"; \
	  echo "# anything changes a fork's daily run. Regenerate it with 'make constraints'."; \
	  build/constraints/bin/python -m pip freeze --exclude arxiv-daily-list; } > constraints.txt
	rm -rf build/constraints

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache

bench: $(STAMP)  ## measure requests, local cost, start-up and back-fill; write BENCHMARKS.md
	$(BIN)/python -m bench

example: $(STAMP)  ## re-render docs/example/ (the README's example) from recorded arXiv data
	$(BIN)/python -m tests.example
