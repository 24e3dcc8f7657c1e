# Stand-in for rust:1.85-bookworm, built from the local Debian root: Debian's
# own newer Rust toolchain (rustc-web, cargo-web from bookworm's updates).
ARG BASE=local/debian:bookworm
FROM ${BASE}
# DL3008 (pin apt versions) is ignored: bookworm's security updates replace
# exact versions, so a pin would break the build within weeks.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends rustc-web cargo-web gcc libc6-dev make ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && cargo --version && rustc --version
