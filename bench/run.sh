#!/usr/bin/env bash
# Measures the block data path side by side on this machine, in one run (see bench/README.md):
#   floor     fio on a file in the filesystem that holds the cluster's data
#   qemu-nbd  qemu-nbd -f raw -t --cache=none --aio=native serving a raw file, driven by fio's NBD engine
#   curve-nbd our NBD server exporting a 3-replica volume of a fresh local cluster, same fio jobs
#   curve-sdk the same shapes through `bin/curve bench` (SDK, no NBD)
#   curve-sdk-open the 4 KiB shapes again on a cluster without a data key (no capability
#             checked): curve-sdk over it is what the data-path credential costs
#   raft-floor / grpc-floor  the layers under the data path alone (`bin/curve floor`), run after
#             the cluster stopped: the ceiling of the write path (a bare 3-replica Raft group) and
#             the per-call ceiling of the read path (a bare gRPC call)
#   grpc-plain / grpc-credentials  bare gRPC calls without and with a chunk capability and a
#             cluster credential checked per call: what the credentials cost a call
#   import    `bin/curve volume import` of a file of BENCH_SIZE random bytes into the volume, against
#             `qemu-img convert -n` of the same file into qemu-nbd's export
#   idle      the CPU share of each chunkserver of the cluster, idle, with 100 copysets each
# and prints one table (IOPS, MiB/s, mean and p99 latency, ratios, peak RSS of each service),
# also written to bench/RESULTS.md.
#
# Environment: BENCH_RUNTIME (seconds measured per job, default 10, plus 3 s of ramp),
# BENCH_WARMUP (seconds of 4 KiB load on the fresh cluster before any measurement, default 30;
# then half as long of 1 MiB reads and writes),
# BENCH_SIZE (bytes of file and volume region, default 1GiB), BENCH_DIR (work directory,
# default a new one under $TMPDIR or /tmp: the floor is measured on that filesystem),
# BENCH_BASE_PORT (base port of the local cluster, default: the first free of 17400, 17600, ...),
# BENCH_KEEP=1 keeps the work directory (a failed run always keeps it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNTIME="${BENCH_RUNTIME:-10}"
RAMP=3
WARMUP="${BENCH_WARMUP:-30}"
# `curve bench` and the layer floors start a new JVM per job: a longer ramp than fio's lets
# the JIT compile their I/O path, as the cluster's warm-up did for the services
JVM_RAMP=8
SIZE_GIB=1
SIZE="${SIZE_GIB}G"
WORK="${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/curve-bench.XXXXXX")}"
RESULTS="$WORK/results"
export CURVE_HOME="$WORK/curve"
VOLUME=/bench/vol
QEMU_NBD_PID=""
OUR_NBD_PID=""
CLUSTER_UP=""
START=$(date +%s)

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

for tool in fio qemu-nbd python3 java; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install -y qemu-utils fio python3)"
done
fio --enghelp 2>/dev/null | grep -w nbd >/dev/null || die "this fio has no nbd engine (Debian's fio has it)"

cleanup() {
  local rc=$?
  if [ -n "$QEMU_NBD_PID" ]; then kill "$QEMU_NBD_PID" 2>/dev/null || true; fi
  if [ -n "$OUR_NBD_PID" ]; then kill "$OUR_NBD_PID" 2>/dev/null || true; fi
  if [ -n "$CLUSTER_UP" ]; then "$ROOT/bin/curve" local down >/dev/null 2>&1 || true; fi
  # a failed run keeps its logs and fio output for a look
  if [ "${BENCH_KEEP:-0}" != 1 ] && [ $rc -eq 0 ]; then rm -rf "$WORK"; else log "kept $WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The five shapes: name, fio rw, block size, iodepth, bench --rw.
SHAPES=(
  "randwrite-4k-qd1 randwrite 4k 1 randwrite"
  "randwrite-4k-qd32 randwrite 4k 32 randwrite"
  "randread-4k-qd32 randread 4k 32 randread"
  "write-1m-qd4 write 1M 4 write"
  "read-1m-qd4 read 1M 4 read"
)

# run_fio TARGET SHAPE fio-args...: one measured job, JSON into $RESULTS/TARGET.SHAPE.json.
run_fio() {
  local target=$1 shape=$2
  shift 2
  log "$target $shape"
  fio --name="$shape" --output-format=json --output="$RESULTS/$target.$shape.json" --time_based \
    --runtime="$RUNTIME" --ramp_time="$RAMP" --size="$SIZE" --randrepeat=0 --norandommap "$@" \
    || die "fio $target $shape failed"
}

# fio_nbd_all TARGET URI: every shape through fio's NBD engine.
fio_nbd_all() {
  local target=$1 uri=$2 shape
  for spec in "${SHAPES[@]}"; do
    read -r shape rw bs depth _ <<<"$spec"
    run_fio "$target" "$shape" --ioengine=nbd --uri="$uri" --rw="$rw" --bs="$bs" --iodepth="$depth"
  done
}

mkdir -p "$RESULTS"
uptime >"$RESULTS/load-start.txt"
log "work directory $WORK (floor measured on $(df --output=source "$WORK" | tail -1))"

# 1. The floor: fio on a file next to the cluster's data, prefilled so reads hit written blocks.
FLOOR="$WORK/floor.img"
fio --name=prefill --filename="$FLOOR" --rw=write --bs=1M --size="$SIZE" --direct=1 --ioengine=libaio \
  --iodepth=8 --output=/dev/null || die "prefilling $FLOOR failed"
run_fio floor randwrite-4k-qd1 --filename="$FLOOR" --rw=randwrite --bs=4k --ioengine=psync --fsync=1
run_fio floor randwrite-4k-qd32 --filename="$FLOOR" --rw=randwrite --bs=4k --ioengine=libaio --direct=1 --iodepth=32
run_fio floor randread-4k-qd32 --filename="$FLOOR" --rw=randread --bs=4k --ioengine=libaio --direct=1 --iodepth=32
run_fio floor write-1m-qd4 --filename="$FLOOR" --rw=write --bs=1M --ioengine=libaio --direct=1 --iodepth=4
run_fio floor read-1m-qd4 --filename="$FLOOR" --rw=read --bs=1M --ioengine=libaio --direct=1 --iodepth=4
rm -f "$FLOOR"

# The file both imports read: random bytes (no zeros to skip), read once so that both find it in
# the page cache.
IMPORT_SRC="$WORK/import-source.img"
head -c "$SIZE" /dev/urandom >"$IMPORT_SRC"
cat "$IMPORT_SRC" >/dev/null

# time_command NAME command...: runs it, its wall seconds into $RESULTS/NAME.seconds.
time_command() {
  local name=$1 start end
  shift
  start=$(date +%s.%N)
  "$@" >"$RESULTS/$name.log" 2>&1 || die "$name failed: $(tail -5 "$RESULTS/$name.log")"
  end=$(date +%s.%N)
  python3 -c "print(round($end - $start, 3))" >"$RESULTS/$name.seconds"
}

# 2. The plain NBD baseline: qemu-nbd serving a prefilled raw file.
QEMU_IMG="$WORK/qemu-nbd.img"
fio --name=prefill --filename="$QEMU_IMG" --rw=write --bs=1M --size="$SIZE" --direct=1 --ioengine=libaio \
  --iodepth=8 --output=/dev/null || die "prefilling $QEMU_IMG failed"
QEMU_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
qemu-nbd -f raw -t --cache=none --aio=native -b 127.0.0.1 -p "$QEMU_PORT" -x bench "$QEMU_IMG" \
  >"$RESULTS/qemu-nbd.log" 2>&1 &
QEMU_NBD_PID=$!
wait_port "$QEMU_PORT" qemu-nbd
fio_nbd_all qemu-nbd "nbd://127.0.0.1:$QEMU_PORT/bench"
log "import into qemu-nbd (qemu-img convert)"
time_command import.qemu-img qemu-img convert -n -f raw -O raw "$IMPORT_SRC" "nbd://127.0.0.1:$QEMU_PORT/bench"
grep VmHWM "/proc/$QEMU_NBD_PID/status" | awk '{print $2}' >"$RESULTS/rss.qemu-nbd" || true
kill "$QEMU_NBD_PID"
QEMU_NBD_PID=""
rm -f "$QEMU_IMG"

# 3. Our NBD export of a 3-replica volume on a fresh local cluster.
BASE="$(free_base_port)"
NBD_PORT=$((BASE + 90))
local_up local-up.log
"$ROOT/bin/curve" volume create "$VOLUME" --size "${SIZE_GIB}GiB" >/dev/null
# `local up` may start the NBD server itself; start one only if nothing answers on its port
if ! port_answers "$NBD_PORT"; then
  "$ROOT/bin/curve" nbd serve --port "$NBD_PORT" >"$RESULTS/nbd-serve.log" 2>&1 &
  OUR_NBD_PID=$!
  wait_port "$NBD_PORT" "curve nbd serve"
fi
URI="nbd://127.0.0.1:$NBD_PORT$VOLUME"
# Warm run: the first write to a chunk creates its file, so write the whole region once first.
log "prefilling $VOLUME through NBD"
fio --name=prefill --ioengine=nbd --uri="$URI" --rw=write --bs=1M --iodepth=8 --size="$SIZE" \
  --output=/dev/null || die "prefilling $VOLUME failed"
# Services that run for days run JIT-compiled code; a fresh JVM interprets at first (a 4 KiB
# write took 5.3 ms at iodepth 1 in the first seconds, 2.0 ms after a minute), so warm up.
# 1 MiB requests take other code paths (and the JIT compiled them only after they ran):
# half as long again of large reads and writes.
log "warming up the cluster (${WARMUP} s of 4 KiB random and $((WARMUP / 2)) s of 1 MiB reads and writes through NBD)"
fio --name=warmup --ioengine=nbd --uri="$URI" --rw=randrw --bs=4k --iodepth=32 --size="$SIZE" --time_based \
  --runtime="$WARMUP" --randrepeat=0 --norandommap --output=/dev/null || die "warming up failed"
fio --name=warmup-1m --ioengine=nbd --uri="$URI" --rw=rw --bs=1M --iodepth=4 --size="$SIZE" --time_based \
  --runtime="$((WARMUP / 2))" --output=/dev/null || die "warming up failed"
fio_nbd_all curve-nbd "$URI"

# 4. The same shapes through the SDK.
for spec in "${SHAPES[@]}"; do
  read -r shape _ bs depth mode <<<"$spec"
  log "curve-sdk $shape"
  "$ROOT/bin/curve" bench "$VOLUME" --rw "$mode" --bs "$bs" --iodepth "$depth" --seconds "$RUNTIME" --ramp "$JVM_RAMP" \
    >"$RESULTS/curve-sdk.$shape.txt" 2>&1 || die "bin/curve bench $shape failed: $(cat "$RESULTS/curve-sdk.$shape.txt")"
done

log "import into $VOLUME (bin/curve volume import)"
time_command import.curve "$ROOT/bin/curve" volume import "$VOLUME" "$IMPORT_SRC"
rm -f "$IMPORT_SRC"

# Peak RSS of every service of the cluster (and of our NBD server when started here).
for pidfile in "$CURVE_HOME"/*/service.pid; do
  [ -e "$pidfile" ] || continue
  service=$(basename "$(dirname "$pidfile")")
  grep VmHWM "/proc/$(cat "$pidfile")/status" 2>/dev/null | awk '{print $2}' >"$RESULTS/rss.$service" || true
done
if [ -n "$OUR_NBD_PID" ]; then
  grep VmHWM "/proc/$OUR_NBD_PID/status" | awk '{print $2}' >"$RESULTS/rss.curve-nbd" || true
  kill "$OUR_NBD_PID"
  OUR_NBD_PID=""
fi
# 4a. An idle cluster: 94 more copysets (a second logical pool), so that each chunkserver holds 100,
# then, once all are healthy and settled, each chunkserver's share of a core over 30 s of no I/O.
log "idle: 100 copysets per chunkserver"
cp "$CURVE_HOME/topology.yaml" "$WORK/topology-idle.yaml"
cat >>"$WORK/topology-idle.yaml" <<'YAML'
  - name: lpool-idle
    physicalPool: pool-1
    replicas: 3
    copysets: 94
    zones: 3
YAML
"$ROOT/bin/curve" topology apply "$WORK/topology-idle.yaml" >"$RESULTS/idle-topology.log" 2>&1 \
  || die "adding the idle copysets failed: $(cat "$RESULTS/idle-topology.log")"
for _ in $(seq 1 60); do
  "$ROOT/bin/curve" status >"$RESULTS/idle-status.txt" 2>&1 && grep -q "100 total, 100 healthy" "$RESULTS/idle-status.txt" && break
  sleep 2
done
grep -q "100 total, 100 healthy" "$RESULTS/idle-status.txt" || die "the idle copysets did not become healthy"
sleep 20
python3 "$ROOT/bench/idle_cpu.py" "$CURVE_HOME" 30 >"$RESULTS/idle-cpu.txt"
"$ROOT/bin/curve" local down >/dev/null 2>&1 || true
CLUSTER_UP=""

# 4b. What checking chunk capabilities costs: the 4 KiB SDK shapes again, on a fresh cluster
# without a data key (`local up --open-data-path`), prefilled and warmed up the same way.
export CURVE_HOME="$WORK/curve-open"
local_up local-up-open.log --open-data-path
"$ROOT/bin/curve" volume create "$VOLUME" --size "${SIZE_GIB}GiB" >/dev/null
wait_port "$NBD_PORT" "the open cluster's NBD server"
fio --name=prefill --ioengine=nbd --uri="$URI" --rw=write --bs=1M --iodepth=8 --size="$SIZE" \
  --output=/dev/null || die "prefilling $VOLUME failed"
fio --name=warmup --ioengine=nbd --uri="$URI" --rw=randrw --bs=4k --iodepth=32 --size="$SIZE" --time_based \
  --runtime="$WARMUP" --randrepeat=0 --norandommap --output=/dev/null || die "warming up failed"
for spec in "${SHAPES[@]}"; do
  read -r shape _ bs depth mode <<<"$spec"
  [ "$bs" = 4k ] || continue
  log "curve-sdk-open $shape"
  "$ROOT/bin/curve" bench "$VOLUME" --rw "$mode" --bs "$bs" --iodepth "$depth" --seconds "$RUNTIME" --ramp "$JVM_RAMP" \
    >"$RESULTS/curve-sdk-open.$shape.txt" 2>&1 || die "bin/curve bench $shape failed: $(cat "$RESULTS/curve-sdk-open.$shape.txt")"
done
"$ROOT/bin/curve" local down >/dev/null 2>&1 || true
CLUSTER_UP=""
export CURVE_HOME="$WORK/curve"

# 5. The layers under the data path alone, on the same disk, with the cluster stopped.
for spec in "${SHAPES[@]}"; do
  read -r shape _ bs depth mode <<<"$spec"
  case "$mode" in
    randwrite | write) layer=raft; args=(--dir "$WORK") ;;
    randread) layer=grpc; args=(--rw read) ;;
    *) continue ;;
  esac
  log "$layer-floor $shape"
  "$ROOT/bin/curve" floor "$layer" --bs "$bs" --iodepth "$depth" --seconds "$RUNTIME" --ramp "$JVM_RAMP" "${args[@]}" \
    >"$RESULTS/$layer-floor.$shape.txt" 2>"$RESULTS/$layer-floor.$shape.log" \
    || die "bin/curve floor $layer $shape failed: $(cat "$RESULTS/$layer-floor.$shape.txt")"
done

# 5b. What the credentials cost one call, the least a data-path call does: the 4 KiB qd32
# shapes as bare gRPC calls without and with a chunk capability and a cluster credential
# checked per call, alternated twice (A B A B) so that a change of the machine's load
# falls on both.
for spec in "${SHAPES[@]}"; do
  read -r shape _ bs depth mode <<<"$spec"
  [ "$bs" = 4k ] && [ "$depth" -gt 1 ] || continue
  rw=read; [ "$mode" = randwrite ] && rw=write
  for round in 1 2; do
    for variant in plain credentials; do
      flag=(); [ "$variant" = credentials ] && flag=(--credentials)
      log "grpc-$variant $shape (round $round)"
      "$ROOT/bin/curve" floor grpc --rw "$rw" --bs "$bs" --iodepth "$depth" --seconds "$RUNTIME" --ramp "$JVM_RAMP" \
        "${flag[@]}" >"$RESULTS/grpc-$variant.$shape.$round.txt" 2>&1 \
        || die "bin/curve floor grpc $variant $shape failed: $(cat "$RESULTS/grpc-$variant.$shape.$round.txt")"
    done
  done
done
uptime >"$RESULTS/load-end.txt"

# the last section, the snapshot figures of bench/snapshot.sh, is kept
SNAPSHOT_SECTION="$(sed -n '/^## Snapshots$/,$p' "$ROOT/bench/RESULTS.md" 2>/dev/null || true)"
python3 "$ROOT/bench/report.py" "$RESULTS" "$RUNTIME" "$RAMP" "$JVM_RAMP" "$WORK" | tee "$ROOT/bench/RESULTS.md"
if [ -n "$SNAPSHOT_SECTION" ]; then printf '\n%s\n' "$SNAPSHOT_SECTION" >>"$ROOT/bench/RESULTS.md"; fi
log "done in $(($(date +%s) - START)) s; table written to bench/RESULTS.md"
