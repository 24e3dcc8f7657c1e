#!/usr/bin/env bash
# Checks the toolchains and system packages the lab builds with. As root it installs
# what is missing from Debian; otherwise it prints the exact command to run.
set -euo pipefail

missing_pkgs=()
need_cmd() { # command debian-package
  command -v "$1" >/dev/null 2>&1 || missing_pkgs+=("$2")
}
need_file() { # path debian-package
  [ -e "$1" ] || missing_pkgs+=("$2")
}

need_cmd cmake cmake
need_cmd g++ g++
need_cmd clang-format clang-format
need_cmd nm binutils
need_cmd curl curl
# Clients of the listener-filter and UDP tests: openssl (s_client, test
# certificates) and dig.
need_cmd openssl openssl
need_cmd dig bind9-dnsutils
# The benchmark: instruction counts, closed-loop load, fixed-rate load.
need_cmd valgrind valgrind
need_cmd wrk wrk
need_cmd hey hey
# Validating docker-compose.yaml offline (Compose v1; no daemon needed).
need_cmd docker-compose docker-compose
# The network filters' tests: a real Redis behind 1083 and the clients that
# talk through 1080-1083.
need_cmd redis-server redis-server
need_cmd redis-cli redis-tools
need_cmd openssl openssl
# make lint: clang-tidy over the C++ SDK and filters; dot draws docs/diagrams.
need_cmd run-clang-tidy-16 clang-tidy-16
need_cmd dot graphviz
need_file /usr/include/nlohmann/json.hpp nlohmann-json3-dev
need_file /usr/include/gtest/gtest.h libgtest-dev

if [ ${#missing_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "ensure-deps: installing ${missing_pkgs[*]}"
    apt-get update -qq
    # Debian's redis-server would start a system-wide Redis on 6379 at install:
    # the tests start their own, so keep apt from starting any service here.
    policy_rc=/usr/sbin/policy-rc.d
    if [ ! -e "$policy_rc" ]; then
      printf '#!/bin/sh\nexit 101\n' > "$policy_rc" && chmod +x "$policy_rc"
      trap 'rm -f "$policy_rc"' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null
  else
    echo "ensure-deps: missing packages. Run:" >&2
    echo "  sudo apt-get install -y ${missing_pkgs[*]}" >&2
    exit 1
  fi
fi

# Toolchains that Debian ships too old: say where to get them instead of guessing.
command -v cargo >/dev/null || { echo "ensure-deps: Rust is missing; install it with rustup (https://rustup.rs)" >&2; exit 1; }
command -v go >/dev/null || { echo "ensure-deps: Go >= 1.23 is missing; see https://go.dev/doc/install" >&2; exit 1; }
command -v python3 >/dev/null || { echo "ensure-deps: python3 is missing: apt-get install -y python3 python3-venv" >&2; exit 1; }
