#!/usr/bin/env bash
# Runs the README's quick start end to end against a fresh local cluster in a temporary
# $CURVE_HOME on a shifted base port, checks that exported data equals imported data
# (also with a chunkserver killed) and stops the cluster. CI runs it after the tests.
# A full restart is not repeated here: LocalClusterIT restarts a cluster the same way and
# checks every acknowledged write, and each start costs CI minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# always a fresh home: the check must not touch a cluster the caller already runs
WORK="$(mktemp -d)"
export CURVE_HOME="$WORK/curve-home"
CURVE="$ROOT/bin/curve"
BASE_PORT="${BASE_PORT:-17700}"
# the cluster's data (GiBs) goes too, or every run leaves it behind
trap '"$CURVE" local down >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

step() { echo; echo "== $*"; }

step "local up (CURVE_HOME=$CURVE_HOME)"
"$CURVE" local up --base-port "$BASE_PORT"
"$CURVE" status

step "volume create, import, export"
"$CURVE" volume create /demo/vol1 --size 10GiB
head -c 96M /dev/urandom > "$WORK/disk.img"
"$CURVE" volume import /demo/vol1 "$WORK/disk.img" --offset 0
"$CURVE" volume export /demo/vol1 "$WORK/copy.img" --offset 0 --length 100663296
cmp "$WORK/disk.img" "$WORK/copy.img"
echo "export equals import"

step "bad input is refused"
if "$CURVE" volume create /demo/vol1 --size 10GiB; then echo "duplicate create succeeded" >&2; exit 1; fi
if "$CURVE" volume create /demo/odd --size 1500MiB; then echo "unaligned size accepted" >&2; exit 1; fi

step "bench (on a volume of its own: random writes would overwrite the imported data)"
"$CURVE" volume create /demo/bench --size 1GiB
"$CURVE" bench /demo/bench --rw randwrite --bs 4k --iodepth 32 --seconds 5

step "attach through NBD with qemu's own tools"
NBD="nbd://127.0.0.1:$((BASE_PORT + 90))/demo/vol1"
qemu-img info "$NBD"
qemu-io -f raw -c 'write -P 0x5a 2G 1M' -c 'read -P 0x5a 2G 1M' "$NBD"

step "the Cinder driver's calls through the gateway"
GATEWAY="http://127.0.0.1:$((BASE_PORT + 95))" bash "$ROOT/examples/cinder-flow.sh"

step "kill chunkserver-2: I/O goes on"
"$CURVE" local kill chunkserver-2
"$CURVE" volume import /demo/vol1 "$WORK/disk.img" --offset 1073741824
"$CURVE" volume export /demo/vol1 "$WORK/copy2.img" --offset 1073741824 --length 100663296
cmp "$WORK/disk.img" "$WORK/copy2.img"
"$CURVE" local start chunkserver-2

"$CURVE" local status
echo; echo "quick start OK"
