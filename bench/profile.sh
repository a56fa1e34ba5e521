#!/usr/bin/env bash
# Profiles the data path with JDK Flight Recorder: a fresh local cluster, the volume written
# once through our NBD export, then one fio job through NBD while every service records, and
# per service the threads that used the CPU, the hottest methods and where the samples fall
# by library (see bench/README.md).
#
# Environment: PROFILE_SECONDS (default 30), PROFILE_RW (fio --rw, default randwrite),
# PROFILE_BS (default 4k), PROFILE_IODEPTH (default 32), BENCH_BASE_PORT (default 17400),
# BENCH_DIR (work directory; kept, with the .jfr files and a report per service).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_RECORDED="${PROFILE_SECONDS:-30}"
RW="${PROFILE_RW:-randwrite}"
BS="${PROFILE_BS:-4k}"
IODEPTH="${PROFILE_IODEPTH:-32}"
BASE="${BENCH_BASE_PORT:-17400}"
WORK="${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/curve-profile.XXXXXX")}"
export CURVE_HOME="$WORK/curve"
VOLUME=/profile/vol
URI="nbd://127.0.0.1:$((BASE + 90))$VOLUME"

# `jfr view` needs JDK 21 or later; the recording itself works on the JDK that runs the services.
JFR="${JFR:-$(ls /usr/lib/jvm/*/bin/jfr 2>/dev/null | sort -V | tail -1)}"
[ -x "$JFR" ] || { echo "no jfr tool found; set JFR=/path/to/jdk21+/bin/jfr" >&2; exit 1; }
"$JFR" help view >/dev/null 2>&1 || { echo "$JFR has no 'view' command (needs JDK 21+)" >&2; exit 1; }

cleanup() { "$ROOT/bin/curve" local down >/dev/null 2>&1 || true; echo "kept $WORK" >&2; }
trap cleanup EXIT

mkdir -p "$WORK/jfr"
"$ROOT/bin/curve" local up --base-port "$BASE" >"$WORK/local-up.log" 2>&1 \
  || { cat "$WORK/local-up.log" >&2; exit 1; }
"$ROOT/bin/curve" volume create "$VOLUME" --size 1GiB >/dev/null
fio --name=prefill --ioengine=nbd --uri="$URI" --rw=write --bs=1M --iodepth=8 --size=1G --output=/dev/null

for pidfile in "$CURVE_HOME"/*/service.pid; do
  service=$(basename "$(dirname "$pidfile")")
  jcmd "$(cat "$pidfile")" JFR.start name=profile settings=profile duration="${SECONDS_RECORDED}s" \
    filename="$WORK/jfr/$service.jfr" >/dev/null
done
fio --name=profile --ioengine=nbd --uri="$URI" --rw="$RW" --bs="$BS" --iodepth="$IODEPTH" --size=1G \
  --time_based --runtime="$SECONDS_RECORDED" --randrepeat=0 --norandommap --output-format=json \
  --output="$WORK/fio.json"
sleep 3 # the recordings end with their duration and are written then

python3 - "$WORK/fio.json" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]
for op in ("read", "write"):
    d = job[op]
    if d["io_bytes"]:
        print(f"fio {op}: {d['iops']:,.0f} IOPS, mean {d['lat_ns']['mean'] / 1e6:.2f} ms")
PY
for recording in "$WORK"/jfr/*.jfr; do
  service=$(basename "$recording" .jfr)
  {
    echo "=== $service"
    "$JFR" view --width 200 thread-cpu-load "$recording" | head -25
    "$JFR" view --width 200 hot-methods "$recording" | head -30
    "$JFR" print --events jdk.ExecutionSample --stack-depth 200 "$recording" | python3 "$ROOT/bench/stack_share.py"
    "$JFR" view --width 200 gc-pauses "$recording" | head -12
  } >"$WORK/$service.txt" 2>&1
  cat "$WORK/$service.txt"
done
