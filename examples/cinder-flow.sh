#!/usr/bin/env bash
# What an OpenStack Cinder driver does with a Curve4J cluster, as curl calls through the
# gateway: volume stats, create, extend, attach (connection info), detach, a snapshot
# (create), volumes cloned from the snapshot and from the volume, their flatten, and the
# deletes in the order the clones allow.
# Each step prints the call and the answer. Needs curl and python3.
#
#   bin/curve local up            # with the gateway (base port P: gateway on P+95)
#   examples/cinder-flow.sh       # GATEWAY=http://127.0.0.1:6795 CURVE_USER=root by default
#
# Credentials: CURVE_USER with CURVE_PASSWORD, or root with $CURVE_HOME/root.secret. The
# script signs one request (HMAC-SHA256 over the request, keyed with a key derived from the
# password) to get a bearer token and uses the token for the rest.
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
# key = PBKDF2-HMAC-SHA256(password, "curve4j:" + user, 100000 iterations, 32 bytes); the
# signature is base64 HMAC-SHA256(key, the lines: CURVE4J-HMAC-SHA256, method, path, query,
# hex SHA-256 of the body, date in ms, nonce, user) (see docs/architecture.md)
read -r DATE NONCE SIGNATURE < <(CURVE_SIGN_USER="$USER_NAME" CURVE_SIGN_PASSWORD="$PASSWORD" python3 -c '
import base64, hashlib, hmac, os, time
user, password = os.environ["CURVE_SIGN_USER"], os.environ["CURVE_SIGN_PASSWORD"]
key = hashlib.pbkdf2_hmac("sha256", password.encode(), ("curve4j:" + user).encode(), 100000, 32)
date, nonce = str(int(time.time() * 1000)), os.urandom(16).hex()
canonical = "\n".join(["CURVE4J-HMAC-SHA256", "POST", "/api/v1/tokens", "", hashlib.sha256(b"").hexdigest(),
                       date, nonce, user])
print(date, nonce, base64.b64encode(hmac.new(key, canonical.encode(), hashlib.sha256).digest()).decode())')
TOKEN=$(curl -sS -f -X POST -H "Curve-Owner: $USER_NAME" -H "Curve-Date: $DATE" -H "Curve-Nonce: $NONCE" \
  -H "Curve-Signature: $SIGNATURE" "$GATEWAY/api/v1/tokens" | json "['token']")
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

step "snapshot the volume (Cinder create_snapshot): returns once the point in time is fixed"
SNAPSHOT=$(call POST /api/v1/snapshots "{\"volume\":\"$VOLUME_PATH\",\"name\":\"snapshot-1\"}" | json "['id']")
echo "snapshot id: $SNAPSHOT"

step "wait until the snapshot is in the object store (Cinder polls the snapshot's status)"
for _ in $(seq 1 240); do
  STATUS=$(call GET "/api/v1/snapshots/$SNAPSHOT" 2>/dev/null | json "['status']")
  [ "$STATUS" = DONE ] && break
  [ "$STATUS" = ERROR ] && { echo "error: snapshot $SNAPSHOT failed" >&2; exit 1; }
  sleep 0.5
done
[ "$STATUS" = DONE ] || { echo "error: snapshot $SNAPSHOT still $STATUS after 2 minutes" >&2; exit 1; }
echo "snapshot $SNAPSHOT: $STATUS"

# wait_flattened ID: polls the clone until its link to the source is gone (clone null)
wait_flattened() {
  local link
  for _ in $(seq 1 240); do
    link=$(call GET "/api/v1/volumes/$1" 2>/dev/null | json "['clone'] and d['clone']['status']")
    [ "$link" = None ] && return 0
    sleep 0.5
  done
  echo "error: volume $1 still $link after 2 minutes" >&2
  exit 1
}

step "create a volume from the snapshot (Cinder create_volume_from_snapshot): lazy, usable at once"
FROM_SNAPSHOT=$(call POST /api/v1/clones \
  "{\"source\":\"$VOLUME_PATH@snapshot-1\",\"path\":\"$VOLUME_PATH-from-snapshot\",\"lazy\":true}" | json "['id']")
call GET "/api/v1/volumes/$FROM_SNAPSHOT" | json "['clone']"

step "clone the volume (Cinder create_cloned_volume): the MDS snapshots it, the copy runs in the background"
CLONED=$(call POST /api/v1/clones "{\"source\":\"$VOLUME_PATH\",\"path\":\"$VOLUME_PATH-clone\",\"lazy\":false}" \
  | json "['id']")
wait_flattened "$CLONED"
echo "volume $CLONED is flattened"

step "the snapshot cannot go while a clone reads it (VOLUME_HAS_CLONES): flatten that clone first"
status=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: Bearer $TOKEN" "$GATEWAY/api/v1/snapshots/$SNAPSHOT")
[ "$status" = 409 ] || { echo "error: deleting snapshot $SNAPSHOT answered $status, not 409" >&2; exit 1; }
call POST "/api/v1/volumes/$FROM_SNAPSHOT/flatten" | json "['clone']['status']"
wait_flattened "$FROM_SNAPSHOT"
echo "volume $FROM_SNAPSHOT is flattened"

step "delete the snapshot (Cinder delete_snapshot), and wait until its objects are gone"
call DELETE "/api/v1/snapshots/$SNAPSHOT" | json "['status']"
for _ in $(seq 1 240); do
  status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$GATEWAY/api/v1/snapshots/$SNAPSHOT")
  [ "$status" = 404 ] && break
  sleep 0.5
done
[ "$status" = 404 ] || { echo "error: snapshot $SNAPSHOT not gone after 2 minutes" >&2; exit 1; }
echo "snapshot $SNAPSHOT deleted"

step "delete the volumes (Cinder delete_volume): the source first, its clones no longer need it"
# the snapshot the MDS took for the clone of the volume goes once that clone is flattened
for _ in $(seq 1 240); do
  left=$(call GET "/api/v1/snapshots?volume=$VOLUME_PATH&page=0&size=10" 2>/dev/null | json "['page']['totalElements']")
  [ "$left" = 0 ] && break
  sleep 0.5
done
for volume in "$ID" "$FROM_SNAPSHOT" "$CLONED"; do
  call DELETE "/api/v1/volumes/$volume" >/dev/null
  echo "deleted volume $volume"
done

step "volume stats after the flow"
call GET /api/v1/cluster/capacity | json "['provisionedBytes']"
echo
echo "cinder flow: OK"
