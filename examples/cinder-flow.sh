#!/usr/bin/env bash
# What an OpenStack Cinder driver does with a Curve4J cluster, as curl calls through the
# gateway: volume stats, create, extend, attach (connection info), detach, delete.
# Each step prints the call and the answer. Needs curl, openssl and python3.
#
#   bin/curve local up            # with the gateway (base port P: gateway on P+95)
#   examples/cinder-flow.sh       # GATEWAY=http://127.0.0.1:6795 CURVE_USER=root by default
#
# Credentials: CURVE_USER with CURVE_PASSWORD, or root with $CURVE_HOME/root.secret. The
# script signs one request (Curve's HMAC-SHA256 over "date:owner") to get a bearer token
# and uses the token for the rest.
set -euo pipefail

GATEWAY="${GATEWAY:-http://127.0.0.1:6795}"
CURVE_HOME="${CURVE_HOME:-.curve}"
USER_NAME="${CURVE_USER:-root}"
if [ -n "${CURVE_PASSWORD:-}" ]; then
  PASSWORD="$CURVE_PASSWORD"
elif [ "$USER_NAME" = root ] && [ -f "$CURVE_HOME/root.secret" ]; then
  PASSWORD="$(head -n1 "$CURVE_HOME/root.secret")"
else
  echo "error: set CURVE_PASSWORD (or run from the directory holding \$CURVE_HOME/root.secret)" >&2
  exit 2
fi
VOLUME_DIR="/cinder"
VOLUME_PATH="$VOLUME_DIR/volume-$(date +%s)"
GIB=$((1024 * 1024 * 1024))

step() { printf '\n== %s\n' "$*"; }

# call METHOD PATH [JSON]: prints the request and the answer; fails on HTTP >= 400
call() {
  local method="$1" path="$2" body="${3:-}" out status
  printf -- '-> %s %s %s\n' "$method" "$path" "$body" >&2
  out="$(mktemp)"
  if [ -n "$body" ]; then
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d "$body" "$GATEWAY$path")
  else
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $TOKEN" "$GATEWAY$path")
  fi
  printf '<- %s %s\n' "$status" "$(cat "$out")" >&2
  if [ "$status" -ge 400 ]; then
    rm -f "$out"
    echo "error: $method $path answered $status" >&2
    exit 1
  fi
  cat "$out"
  rm -f "$out"
}

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }

step "authenticate $USER_NAME (signed request) and get a bearer token"
DATE=$(($(date +%s) * 1000))
SIGNATURE=$(printf '%s:%s' "$DATE" "$USER_NAME" | openssl dgst -sha256 -hmac "$PASSWORD" -binary | base64)
TOKEN=$(curl -sS -f -X POST -H "Curve-Owner: $USER_NAME" -H "Curve-Date: $DATE" -H "Curve-Signature: $SIGNATURE" \
  "$GATEWAY/api/v1/tokens" | json "['token']")
echo "token for $USER_NAME: ${TOKEN:0:24}..."

step "get volume stats (Cinder get_volume_stats: total and free capacity)"
call GET /api/v1/cluster/capacity | json "" >/dev/null

step "create volume $VOLUME_PATH of 10 GiB (Cinder create_volume)"
(call GET "/api/v1/volumes/info?path=$VOLUME_DIR") >/dev/null 2>&1 || call POST /api/v1/directories "{\"path\":\"$VOLUME_DIR\"}" >/dev/null
ID=$(call POST /api/v1/volumes "{\"path\":\"$VOLUME_PATH\",\"size\":$((10 * GIB))}" | json "['id']")
echo "volume id: $ID"

step "extend volume to 20 GiB (Cinder extend_volume)"
call POST "/api/v1/volumes/$ID/extend" "{\"size\":$((20 * GIB))}" | json "['sizeText']"

step "attach: connection information for the host (Cinder initialize_connection)"
call POST "/api/v1/volumes/$ID/attachments" | python3 -m json.tool

step "detach (Cinder terminate_connection)"
call DELETE "/api/v1/volumes/$ID/attachments" >/dev/null
echo "detached"

step "delete volume (Cinder delete_volume)"
call DELETE "/api/v1/volumes/$ID" >/dev/null
echo "deleted volume $ID"

step "volume stats after the flow"
call GET /api/v1/cluster/capacity | json "['provisionedBytes']"
echo
echo "cinder flow: OK"
