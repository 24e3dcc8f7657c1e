# Fuzzing of the config parsers, header_mutation and body_rewrite, in the three
# languages, and of the Rust-only WAF body scan, access-log line builder,
# delay header parser and callout_auth's handling of the auth service's answer.
# Included by the Makefile (it uses BUILD):
#
#   make fuzz         every target for FUZZ_SECONDS (default 120) each, FUZZ_JOBS
#                     (default: one per core) at a time; executions per target
#                     in build/fuzz/summary.txt
#   make fuzz-smoke   the same for FUZZ_SMOKE_SECONDS (default 3) each, for make
#                     test; fails on any crash (build/fuzz/smoke-summary.txt)
#   make fuzz-deps    cargo-fuzz (pinned), the nightly toolchain, Clang (apt as root)
#   make fuzz-lint    rustfmt and clang-format of the fuzz sources
#
# FUZZ_TARGETS picks some targets: make fuzz FUZZ_TARGETS=rust/header_mutation
#
# | language | engine                          | targets                     | seeds                           |
# |----------|---------------------------------|-----------------------------|---------------------------------|
# | Rust     | cargo fuzz (libFuzzer)          | rust/fuzz/fuzz_targets/*.rs | rust/fuzz/corpus/<target>/      |
# | Go       | go test -fuzz                   | go/*_fuzz_test.go           | f.Add, go/testdata/fuzz/<Fuzz>/ |
# | C++      | libFuzzer (Clang, -DDM_FUZZ=ON) | cpp/fuzz/*_fuzzer.cc        | cpp/fuzz/corpus/<fuzzer>/       |
#
# Runs never write to the committed seeds: new inputs go to build/fuzz/corpus
# (Go: $GOCACHE/fuzz). A crash's input is kept (mk/fuzz-run.sh says where); make
# it a regression test: a Rust #[test] or a C++ TEST with the input as a
# literal, and for Go keep the file go test -fuzz wrote to go/testdata/fuzz/,
# which plain go test replays from then on.
#
# Clang: libFuzzer needs Clang, and the C++ sources need std::source_location,
# which Debian 12's clang-14 lacks (no __builtin_source_location before Clang
# 15); clang-16 is the newest Clang Debian 12 ships.

FUZZ_SECONDS       ?= 120
FUZZ_SMOKE_SECONDS ?= 3
CARGO_FUZZ_VERSION := 0.13.2
FUZZ_CLANG_VERSION := 16
FUZZ_CXX           := clang++-$(FUZZ_CLANG_VERSION)
FUZZ_APT_PACKAGES  := clang-$(FUZZ_CLANG_VERSION) libclang-rt-$(FUZZ_CLANG_VERSION)-dev
FUZZ_DIR           := $(BUILD)/fuzz
FUZZ_TARGETS       ?= rust/config_parsers rust/header_mutation rust/body_rewrite \
                      rust/waf_body rust/access_log_line rust/delay_header rust/resp_parser \
                      rust/client_hello rust/dns_message rust/request_tagger rust/json_access_log_config \
                      rust/callout_response rust/lab_status_config \
                      rust/early_forwarded_headers \
                      rust/routing_choice \
                      rust/cluster_hosts_file \
                      rust/tenant_route \
                      rust/http_redis_bridge \
                      rust/xds_resource \
                      rust/matching_input \
                      rust/header_key_case \
                      rust/cert_chain \
                      rust/w3c_traceparent \
                      rust/ts_frames \
                      go/FuzzFilterConfig go/FuzzHeaderMutationApply go/FuzzBodyRewriteChunking \
                      cpp/config_fuzzer cpp/header_mutation_fuzzer cpp/body_rewrite_fuzzer

.PHONY: fuzz fuzz-smoke fuzz-deps fuzz-build fuzz-build-rust fuzz-build-cpp fuzz-lint

fuzz: fuzz-build
	FUZZ_DIR=$(FUZZ_DIR) mk/fuzz-run.sh $(FUZZ_SECONDS) $(FUZZ_DIR)/summary.txt $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	FUZZ_DIR=$(FUZZ_DIR) mk/fuzz-run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_DIR)/smoke-summary.txt $(FUZZ_TARGETS)

# ------------------------------------------------------------------ install

fuzz-deps:
	@if ! cargo fuzz --version 2>/dev/null | grep -qx 'cargo-fuzz $(CARGO_FUZZ_VERSION)'; then \
	  echo "fuzz-deps: installing cargo-fuzz $(CARGO_FUZZ_VERSION) (a few minutes, once)"; \
	  cargo install cargo-fuzz --locked --version $(CARGO_FUZZ_VERSION); \
	fi
	@rustup run nightly rustc --version >/dev/null 2>&1 || { \
	  echo "fuzz-deps: installing the nightly toolchain (cargo fuzz needs it)"; \
	  rustup toolchain install nightly --profile minimal; }
	@resource="$$($(FUZZ_CXX) -print-resource-dir 2>/dev/null)"; \
	if [ -z "$$resource" ] || [ ! -e "$$resource/lib/linux/libclang_rt.fuzzer-$$(uname -m).a" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "fuzz-deps: installing $(FUZZ_APT_PACKAGES)"; \
	    apt-get update -qq; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(FUZZ_APT_PACKAGES) >/dev/null; \
	  else \
	    echo "fuzz-deps: Clang with libFuzzer is missing. Run:" >&2; \
	    echo "  sudo apt-get install -y --no-install-recommends $(FUZZ_APT_PACKAGES)" >&2; \
	    exit 1; \
	  fi; \
	fi

# -------------------------------------------------------------------- build
# Go's fuzz targets are built by go test -fuzz itself.

fuzz-build: fuzz-build-rust fuzz-build-cpp

# --debug-assertions: overflow checks too. -s none: no AddressSanitizer, as
# the fuzzed code is safe Rust (memory errors cannot happen there; a panic or an
# overflow is the crash), and ASan made this build a third slower; the SDK's
# unsafe FFI code runs under ASan in sanitize-rust. The same flags as
# fuzz-run.sh's `cargo fuzz run`, so the run does not rebuild.
fuzz-build-rust: fuzz-deps
	cargo +nightly metadata --locked --format-version 1 --manifest-path rust/fuzz/Cargo.toml >/dev/null
	cd rust/fuzz && CARGO_BUILD_JOBS=2 cargo +nightly fuzz build --debug-assertions -s none

fuzz-build-cpp: fuzz-deps
	cmake -S cpp -B $(FUZZ_DIR)/cpp -DDM_FUZZ=ON -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) >/dev/null
	cmake --build $(FUZZ_DIR)/cpp -j2

# --------------------------------------------------------------------- lint
# go/*_fuzz_test.go are covered by lint-go.

fuzz-lint:
	cargo fmt --manifest-path rust/fuzz/Cargo.toml --check
	clang-format --dry-run --Werror cpp/fuzz/*.cc cpp/fuzz/*.h
