# Developer entry points. `make install` then `make test` on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# PyTorch for the cvat_sdk.pytorch and auto-annotation tests: a pair this machine kind installs from
# local wheels (no multi-GB download); override with TORCH_PAIR="" to skip it.
TORCH_PAIR ?= $(if $(filter aarch64 arm64,$(shell uname -m)),torch==2.9.1 torchvision==0.24.1,torch==2.14.1 torchvision==0.29.1)
HAND_WRITTEN := codegen packages/cvat-api/src/cvat_api/_runtime packages/cvat-api/src/cvat_api/__init__.py \
	packages/cvat-api/src/cvat_api/exceptions.py packages/cvat-sdk/src packages/cvat-cli/src tests benchmarks tools examples

.PHONY: install test test-live record regen regen-check lint bench dist compat surface docs docs-serve docs-browser-check clean

CHECK_PYTHON = @$(PYTHON) -c 'import sys; sys.exit("Python 3.10+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 10) else None'

install:
	$(CHECK_PYTHON)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade "pip>=25.1"
	$(PIP) install --quiet -e packages/cvat-api -e packages/cvat-sdk -e packages/cvat-cli
	$(PIP) install --quiet --group dev
	$(if $(TORCH_PAIR),$(PIP) install --quiet $(TORCH_PAIR))
	@echo "installed into $(VENV)"

test:
	$(PY) -m pytest -q -p no:cacheprovider

# The server-facing tests against a live server, cassettes untouched.
test-live:
	@test -n "$$CVAT_TEST_SERVER" || { echo "make test-live: set CVAT_TEST_SERVER, CVAT_TEST_USER and CVAT_TEST_PASSWORD (see docs/development.md, Testing)"; exit 2; }
	CVAT_TEST_MODE=live $(PY) -m pytest -q -p no:cacheprovider -m server

# Re-record every server-facing test's cassette against a live server.
record:
	@test -n "$$CVAT_TEST_SERVER" || { echo "make record: set CVAT_TEST_SERVER, CVAT_TEST_USER and CVAT_TEST_PASSWORD (see docs/development.md, Testing)"; exit 2; }
	CVAT_TEST_MODE=record $(PY) -m pytest -q -p no:cacheprovider -m server

# Regenerate the committed code from the pinned main schema, or from SCHEMA=<file or URL>.
regen:
	$(PY) -m codegen $(if $(SCHEMA),--schema "$(SCHEMA)")

regen-check:
	$(PY) -m codegen --check

lint:
	$(PY) -m ruff check $(HAND_WRITTEN)
	$(PY) -m ruff format --check $(HAND_WRITTEN)
	$(PY) -m mypy packages/cvat-api/src/cvat_api packages/cvat-sdk/src/cvat_sdk packages/cvat-cli/src/cvat_cli codegen
	$(PY) -m mypy examples

bench:
	$(PY) benchmarks/run.py

# Wheels and sdists of the three packages into dist/; SERVER_VERSION=<pinned version> builds
# cvat-api (and the SDK pinned to it) for another server in a temporary tree. Needs no development
# environment: without .venv it makes its own small one, $(DIST_VENV) (the "dist" dependency group).
DIST_VENV ?= .venv-dist
DIST_PY := $(if $(wildcard $(PY)),$(PY),$(DIST_VENV)/bin/python)
dist: $(if $(wildcard $(PY)),,$(DIST_VENV)/.ready)
	$(DIST_PY) tools/build_dist.py $(if $(SERVER_VERSION),--server-version $(SERVER_VERSION))

$(DIST_VENV)/.ready: pyproject.toml
	$(CHECK_PYTHON)
	test -x $(DIST_VENV)/bin/python || $(PYTHON) -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	$(DIST_VENV)/bin/python -m pip install --quiet --group dist
	touch $@

# CVAT's official SDK/CLI suites against this tree's wheels, and the official packages' run on the
# same server (not part of `make test` or CI). SERVER_VERSION=2.17, 2.42 or 2.64 (default: the
# instance's). Needs a test instance from the CVAT kit's official-suites (COMPAT_INSTANCE=<dir>), or
# a kit-built server and the CVAT mirror to make one (CVAT_SERVER_PREFIX=<dir> CVAT_GIT_DIR=<dir>),
# or the one an earlier run made. See docs/guides/compatibility.md.
compat: surface
	$(PY) tools/compat.py $(if $(SERVER_VERSION),--server-version "$(SERVER_VERSION)") \
		$(if $(COMPAT_INSTANCE),--instance "$(COMPAT_INSTANCE)") \
		$(if $(CVAT_SERVER_PREFIX),--server-prefix "$(CVAT_SERVER_PREFIX)") $(if $(CVAT_GIT_DIR),--git-dir "$(CVAT_GIT_DIR)") \
		$(COMPAT_ARGS)

# The official packages' public surface against ours (tools/surface/): installs the official cvat-sdk and
# cvat-cli of each listed version into .compat/surface-<version>, lists their surface into
# tools/surface/official-<version>.json and checks this tree's set of that version against it.
surface:
	$(PY) tools/surface/main.py run $(foreach v,$(SURFACE_VERSIONS),--version $(v))

# The documentation site (mkdocs.yml): built into site/ with --strict, so a broken link or reference,
# or a problem the site check finds (tools/docs_site/check_site.py), fails the build. `make test` builds it too.
DOCS_ENV := NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true
docs:
	$(DOCS_ENV) $(PY) -m mkdocs build --strict

docs-serve:
	$(DOCS_ENV) $(PY) -m mkdocs serve

# The built site in headless Chromium (Debian's `chromium` package): rendering, search, highlighting.
docs-browser-check: docs
	$(PY) tools/docs_site/browser_check.py --site site --screenshots site-screenshots

clean:
	rm -rf dist build .venv-dist site site-screenshots .pytest_cache .mypy_cache .ruff_cache .compat
