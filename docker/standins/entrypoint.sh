#!/bin/sh
# Runs the command as ENVOY_UID (default 101, the envoy user), like the official
# image's entrypoint; ENVOY_UID=0 keeps root.
set -e
uid="${ENVOY_UID:-101}"
if [ "$uid" != 0 ] && [ "$(id -u)" = 0 ]; then
  exec setpriv --reuid="$uid" --regid="$uid" --clear-groups -- "$@"
fi
exec "$@"
