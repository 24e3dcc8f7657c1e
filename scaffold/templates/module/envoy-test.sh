#!/usr/bin/env bash
# Starts Envoy with build/lib{{module}}.so, sends one request, checks that the
# hello filter stamped it, stops Envoy.
set -euo pipefail
log=build/envoy.log
ENVOY_DYNAMIC_MODULES_SEARCH_PATH="$PWD/build" "$ENVOY_BIN" -c envoy.yaml --disable-hot-restart >"$log" 2>&1 &
envoy=$!
trap 'kill $envoy 2>/dev/null; wait $envoy 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:{{admin}}/ready" >/dev/null && break
  kill -0 $envoy 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.2
done
headers=$(curl -si "http://127.0.0.1:{{port}}/")
if grep -qi '^x-hello: {{module}}' <<<"$headers"; then
  echo "envoy: x-hello: {{module}} on :{{port}}"
else
  echo "envoy: no x-hello header on :{{port}}:"; echo "$headers"; tail -20 "$log"; exit 1
fi
