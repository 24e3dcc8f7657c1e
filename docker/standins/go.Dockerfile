# Stand-in for golang:1.23-bookworm: Go 1.23 from bookworm-backports.
ARG BASE=local/debian:bookworm
FROM ${BASE}
# DL3008 (pin apt versions) is ignored: bookworm's security updates replace
# exact versions, so a pin would break the build within weeks.
# hadolint ignore=DL3008
RUN echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/backports.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends -t bookworm-backports golang-1.23-go \
 && apt-get install -y --no-install-recommends gcc libc6-dev make ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/go-1.23/bin:${PATH} \
    GOTOOLCHAIN=local \
    GOFLAGS=-mod=mod
RUN go version
