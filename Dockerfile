# Every module of the lab, built for the target platform, in an Envoy image.
#
#   docker build -t envoy-dynamic-modules-lab .
#   docker compose up -d            (adds the echo upstream; see docker-compose.yaml)
#   docker buildx build --platform linux/arm64 -t envoy-dynamic-modules-lab:arm64 .
#
# TARGETARCH is the target platform's CPU (amd64 or arm64). BuildKit sets it
# from --platform and then runs every stage on that CPU (natively, or emulated
# through binfmt/qemu), pulling that platform's base images, so each stage
# builds natively; `make arch-check` fails a stage that runs on another CPU
# instead of shipping modules Envoy cannot load. The classic builder does not
# set it: the default, amd64, is then checked the same way. Cross-compiling
# without emulation is `make cross ARCH=arm64` (mk/cross.mk).
#
# Each build stage runs the same Makefile target as a local build (make rust,
# make go, make cpp), so there is one recipe. Base images are build arguments
# with public defaults; `make docker-test` builds local stand-ins under other
# names and passes them in.

ARG ENVOY_VERSION=1.40.0
ARG RUST_IMAGE=rust:1.85-bookworm
ARG GO_IMAGE=golang:1.23-bookworm
ARG CPP_IMAGE=debian:bookworm
ARG ENVOY_IMAGE=envoyproxy/envoy:v${ENVOY_VERSION}
ARG TARGETARCH=amd64

# ---------------------------------------------------------------- Rust stage
FROM ${RUST_IMAGE} AS rust
WORKDIR /src
# Dependencies first, as their own layer: fetched again only when a manifest
# or the lock file changes.
COPY rust/Cargo.toml rust/Cargo.lock rust/
COPY rust/abi/Cargo.toml rust/abi/
COPY rust/sdk/Cargo.toml rust/sdk/
COPY rust/filters/Cargo.toml rust/filters/
RUN mkdir -p rust/abi/src rust/sdk/src rust/filters/src \
 && touch rust/abi/src/lib.rs rust/sdk/src/lib.rs rust/filters/src/lib.rs \
 && cargo fetch --locked --manifest-path rust/Cargo.toml
COPY Makefile ENVOY_VERSION ./
COPY mk mk
COPY abi abi
COPY rust rust
ARG TARGETARCH
RUN make arch-check TARGETARCH=${TARGETARCH} && make rust

# ------------------------------------------------------------------ Go stage
FROM ${GO_IMAGE} AS go
WORKDIR /src
COPY go/go.mod go/
RUN go -C go mod download
COPY Makefile ENVOY_VERSION ./
COPY mk mk
COPY abi abi
COPY go go
ARG TARGETARCH
RUN make arch-check TARGETARCH=${TARGETARCH} && make go

# ----------------------------------------------------------------- C++ stage
FROM ${CPP_IMAGE} AS cpp
# DL3008 (pin apt versions) is ignored: bookworm's security updates replace
# exact versions, so a pin would break the build within weeks.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends make cmake g++ nlohmann-json3-dev libgtest-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ENVOY_VERSION ./
COPY mk mk
COPY abi abi
COPY cpp cpp
ARG TARGETARCH
RUN make arch-check TARGETARCH=${TARGETARCH} && make cpp

# ---------------------------------------------------------------- Envoy image
FROM ${ENVOY_IMAGE}
COPY --from=rust /src/build/lib/librust_module.so /usr/local/lib/
COPY --from=go /src/build/lib/libgo_module.so /usr/local/lib/
COPY --from=cpp /src/build/lib/libcpp_module.so /usr/local/lib/
COPY envoy.yaml /etc/envoy/envoy.yaml
# Envoy looks for lib<name>.so here. The Go module never lends Envoy Go memory
# to keep, so cgo's per-call pointer check is switched off (see the README).
ENV ENVOY_DYNAMIC_MODULES_SEARCH_PATH=/usr/local/lib \
    GODEBUG=cgocheck=0
# envoy.yaml's access logger writes to ./access_logs, and 1091's header_auth
# reads ./tokens/header_auth.txt, relative to Envoy's working directory.
WORKDIR /var/lib/envoy
RUN mkdir -p access_logs tokens && printf 'lab-token\n' > tokens/header_auth.txt \
    && chown -R envoy:envoy /var/lib/envoy
EXPOSE 1062-1073
CMD ["envoy", "-c", "/etc/envoy/envoy.yaml"]
