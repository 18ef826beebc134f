# make setup | make run | make cluster | make test | make unit | make bench | make clean
#
# Each install step leaves a stamp and reruns only when its inputs change, so a repeat
# `make test` goes straight to the checks. Nothing here reads stdin: CI runs it with CI=true
# and no terminal.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
MAKEFLAGS += --no-builtin-rules
.DEFAULT_GOAL := setup

PYTHON ?= python3
VENV := .venv
VENV_PY := $(VENV)/bin/python
# The browser tests drive Debian's build; Playwright cannot download its own here.
CHROMIUM := /usr/bin/chromium
# Debian's fonts-noto-cjk: the browser tests check Chinese is drawn with it (SC and TC cuts).
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
# Extra flags for `make run`, e.g. STREAMLIT_ARGS="--server.port 8502".
STREAMLIT_ARGS ?=
# `make cluster`: WORKERS app processes on 127.0.0.1, ports PORT+1.., behind HAProxy on PORT.
HAPROXY := /usr/sbin/haproxy
WORKERS ?= 2
PORT ?= 8600

# Stamps live in the venv, so deleting .venv also forgets what was installed into it.
RUNTIME_STAMP := $(VENV)/.runtime-requirements.stamp
DEV_STAMP := $(VENV)/.dev-requirements.stamp
# Written by scripts/vendor_assets.py after every successful copy.
ASSETS_STAMP := static/vendor/manifest.json

NPM := $(shell command -v npm 2>/dev/null)
NODE := $(shell command -v node 2>/dev/null)
# The map's JavaScript (stationmap/map/live/, stationmap/web/), its tests under Node, and the
# page watch the bench and the layout-shift test install (benchmarks/js/).
JS_FILES := $(wildcard stationmap/map/live/*.js stationmap/web/*.js tests/js/*.js benchmarks/js/*.js)

.PHONY: setup run cluster test unit js bench chromium haproxy node no-npm-warning clean

ifdef NPM
setup: $(RUNTIME_STAMP) $(ASSETS_STAMP)
else
setup: $(RUNTIME_STAMP) no-npm-warning
endif

run: setup
	$(VENV)/bin/streamlit run dashboard.py $(STREAMLIT_ARGS)

# Several processes behind HAProxy, in the foreground; Ctrl-C stops them all (docs/deploy.md).
cluster: setup haproxy
	@if [ ! -x "$(HAPROXY)" ]; then exit 1; fi
	$(VENV_PY) scripts/cluster.py --workers $(WORKERS) --port $(PORT) -- $(STREAMLIT_ARGS)

test: setup $(DEV_STAMP) chromium haproxy js
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV_PY) -m pytest

# The fast tests alone: every test but the browser's, and the JavaScript's.
unit: setup $(DEV_STAMP) js
	$(VENV_PY) -m pytest -m "not browser"

# JavaScript: a syntax check of every file (node --check: nothing to install, so no linter
# beyond it), then the map's unit tests under Node's own runner (no framework, no npm package).
js: node
	@for file in $(JS_FILES); do node --check "$$file"; done
	node --test tests/js/

# Speed at scale beside a floor measured in the same run, in headless Chromium against servers
# on 127.0.0.1 (scripts/bench.py; 24 minutes, 40 with --runs 5,
# measured 7 Dec 2026). Not part of `make test`. Markdown goes to
# stdout and /tmp/stationmap-bench.md. BENCH_ARGS e.g. "--sizes 100,1000 --runs 3", or
# "--load 25" for the load test's figures.
BENCH_ARGS ?=
bench: setup $(DEV_STAMP) chromium
	$(VENV_PY) scripts/bench.py $(BENCH_ARGS)

$(VENV_PY):
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(VENV_PY)
	$(VENV_PY) -m pip install --quiet -r requirements.txt
	touch $@

# After the runtime stamp, so two pip installs never write into the venv at once under -j.
$(DEV_STAMP): requirements.txt requirements-dev.txt $(RUNTIME_STAMP)
	$(VENV_PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(ASSETS_STAMP): package.json package-lock.json scripts/vendor_assets.py
	npm ci --no-audit --no-fund
	$(PYTHON) scripts/vendor_assets.py

node:
	@if [ -z "$(NODE)" ]; then \
	  echo "ERROR: node not found; the map's JavaScript is checked and tested with Node.js" >&2; \
	  echo "ERROR: (20 or later). Install Node.js and npm, then run make again." >&2; \
	  exit 1; \
	fi

no-npm-warning:
	@echo "WARNING: npm not found, so Leaflet and the other map assets were not installed into" >&2
	@echo "WARNING: static/vendor/. The map will fall back to public CDN assets, which needs a" >&2
	@echo "WARNING: network and tells those CDNs who is viewing it. Install Node.js and npm," >&2
	@echo "WARNING: then run 'make setup' again." >&2

# Phony, not a file target: make must never treat a system binary as something it may
# rebuild or delete.
chromium:
	@if [ -x "$(CHROMIUM)" ] && [ -f "$(CJK_FONT)" ]; then exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "ERROR: $(CHROMIUM) or $(CJK_FONT) not found; the browser tests need Debian's" >&2; \
	  echo "ERROR: Chromium and CJK fonts. Install them as root: apt-get install chromium fonts-noto-cjk" >&2; \
	  echo "ERROR: (not 'playwright install': its browser download is not reachable here)." >&2; \
	  exit 1; \
	fi; \
	echo "Installing Debian's chromium and fonts-noto-cjk for the browser tests"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get -o DPkg::Lock::Timeout=120 update -q; \
	apt-get -o DPkg::Lock::Timeout=120 install -y -q chromium fonts-noto-cjk; \
	if [ ! -x "$(CHROMIUM)" ] || [ ! -f "$(CJK_FONT)" ]; then \
	  echo "ERROR: apt-get installed chromium fonts-noto-cjk but $(CHROMIUM) or $(CJK_FONT) is still missing." >&2; \
	  exit 1; \
	fi

# Debian's haproxy, for `make cluster` and tests/browser/test_cluster.py. Not root and not
# installed: a warning, not an error (those tests then skip and say why, except under CI).
haproxy:
	@if [ -x "$(HAPROXY)" ]; then exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "WARNING: $(HAPROXY) not found; make cluster and the cluster tests need Debian's" >&2; \
	  echo "WARNING: haproxy. Install it as root: apt-get install haproxy" >&2; \
	  exit 0; \
	fi; \
	echo "Installing Debian's haproxy for make cluster and the cluster tests"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get -o DPkg::Lock::Timeout=120 update -q; \
	apt-get -o DPkg::Lock::Timeout=120 install -y -q haproxy; \
	if [ ! -x "$(HAPROXY)" ]; then \
	  echo "ERROR: apt-get installed haproxy but $(HAPROXY) is still missing." >&2; \
	  exit 1; \
	fi

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .ruff_cache test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
