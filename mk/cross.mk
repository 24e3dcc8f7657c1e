# The three modules for another CPU, built on this one. Included by the Makefile
# (it uses BUILD, LIB, PYTHON, RUST and VENV).
#
#   make cross ARCH=arm64   librust_module.so, libgo_module.so, libcpp_module.so
#                           for aarch64 Linux into build/cross/arm64/lib, then
#                           integration/test_cross.py checks each one against
#                           the x86_64 build (ELF machine, exported hooks,
#                           undefined symbols)
#
# Toolchains: Debian's cross compilers (gcc/g++-aarch64-linux-gnu, installed by
# apt-get when root), rustup's aarch64-unknown-linux-gnu standard library, and
# Go's own arm64 port with cgo through the cross C compiler. Nothing built here
# runs on this machine: see docs/COMPAT.md for what was run on arm64.

ARCH ?= arm64
CROSS_arm64_RUST   := aarch64-unknown-linux-gnu
CROSS_arm64_GNU    := aarch64-linux-gnu
CROSS_arm64_CMAKE  := aarch64
CROSS_RUST   = $(CROSS_$(ARCH)_RUST)
CROSS_GNU    = $(CROSS_$(ARCH)_GNU)
CROSS_LIB    = $(abspath $(BUILD)/cross/$(ARCH)/lib)
CROSS_CPP    = $(BUILD)/cross/$(ARCH)/cpp

.PHONY: cross cross-deps cross-build cross-rust cross-go cross-cpp arch-check

# The Dockerfile's build stages run on the target CPU (TARGETARCH, Docker's
# name for it): a stage that runs on another one stops here.
TARGETARCH ?= amd64
arch-check:
	@case "$(TARGETARCH):$$(uname -m)" in \
	  amd64:x86_64|arm64:aarch64) echo "building for $(TARGETARCH) on $$(uname -m)";; \
	  *) echo "TARGETARCH=$(TARGETARCH), but this stage runs on $$(uname -m)" >&2; exit 1;; \
	esac

cross: build venv cross-build
	ARCH=$(ARCH) CROSS_LIB=$(CROSS_LIB) CROSS_GNU=$(CROSS_GNU) $(PYTHON) -m pytest -q -p no:cacheprovider integration/test_cross.py

cross-build: cross-rust cross-go cross-cpp

cross-deps:
	@test -n "$(CROSS_RUST)" || { echo "cross: ARCH=$(ARCH) is not supported (arm64 is)" >&2; exit 1; }
	@if ! command -v $(CROSS_GNU)-gcc >/dev/null || ! command -v $(CROSS_GNU)-g++ >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      gcc-$(CROSS_GNU) g++-$(CROSS_GNU) binutils-$(CROSS_GNU) >/dev/null; \
	  else \
	    echo "cross: run  sudo apt-get install -y gcc-$(CROSS_GNU) g++-$(CROSS_GNU) binutils-$(CROSS_GNU)" >&2; exit 1; \
	  fi; \
	fi
	@rustup target list --installed | grep -qx $(CROSS_RUST) || rustup target add $(CROSS_RUST)

$(CROSS_LIB):
	mkdir -p $@

# The linker is the cross gcc: it knows aarch64's glibc and crt files.
cross-rust: cross-deps | $(CROSS_LIB)
	CARGO_TARGET_$(shell echo $(CROSS_RUST) | tr a-z- A-Z_)_LINKER=$(CROSS_GNU)-gcc \
	  cargo build --locked $(RUST) --release -p rust_module --target $(CROSS_RUST)
	install -m 0755 rust/target/$(CROSS_RUST)/release/librust_module.so $(CROSS_LIB)/

cross-go: cross-deps | $(CROSS_LIB)
	cd go && CGO_ENABLED=1 GOOS=linux GOARCH=$(ARCH) CC=$(CROSS_GNU)-gcc \
	  go build -buildmode=c-shared -o $(CROSS_LIB)/libgo_module.so .
	rm -f $(CROSS_LIB)/libgo_module.h

# CMAKE_SYSTEM_NAME makes it a cross build: the module only (cpp/CMakeLists.txt).
cross-cpp: cross-deps | $(CROSS_LIB)
	cmake -S cpp -B $(CROSS_CPP) -DCMAKE_BUILD_TYPE=Release -DCMAKE_SYSTEM_NAME=Linux \
	  -DCMAKE_SYSTEM_PROCESSOR=$(CROSS_$(ARCH)_CMAKE) \
	  -DCMAKE_C_COMPILER=$(CROSS_GNU)-gcc -DCMAKE_CXX_COMPILER=$(CROSS_GNU)-g++ >/dev/null
	cmake --build $(CROSS_CPP) -j2 --target cpp_module
	install -m 0755 $(CROSS_CPP)/libcpp_module.so $(CROSS_LIB)/
