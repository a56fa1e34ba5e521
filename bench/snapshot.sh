#!/usr/bin/env bash
# Measures what snapshots cost, on a fresh local cluster, in one run (see bench/README.md):
#   first writes   fio 4 KiB random writes at iodepth 32 through our NBD server on a prefilled
#                  1 GiB volume: once plain, once right after `snapshot create`, when nearly
#                  every write is the first to its page since the snapshot and copies the page
#                  aside first. The snapshot service is stopped during both runs so that its
#                  copy does not compete with the writes: the ratio is the copy-on-write alone.
#   upload         the snapshot service then copies the 1 GiB snapshot to the local S3 server
#                  (S3Proxy): the copy task's time as the service logs it, against `aws s3 cp` of a 1 GiB
#                  file to the same server (a client we did not write).
# Prints a Markdown section and puts it last in bench/RESULTS.md (replacing the one there;
# bench/run.sh keeps it when it rewrites the rest).
#
# Environment: BENCH_RUNTIME (seconds per fio job, default 10), BENCH_DIR (work directory),
# BENCH_BASE_PORT (local cluster base port), BENCH_KEEP=1 keeps the work directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNTIME="${BENCH_RUNTIME:-10}"
SIZE=1G
WORK="${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/curve-snapshot-bench.XXXXXX")}"
RESULTS="$WORK/results"
export CURVE_HOME="$WORK/curve"
VOLUME=/bench/snap
CLUSTER_UP=""
START=$(date +%s)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

for tool in fio aws python3 java; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install -y fio awscli python3)"
done

cleanup() {
  local rc=$?
  if [ -n "$CLUSTER_UP" ]; then "$ROOT/bin/curve" local down >/dev/null 2>&1 || true; fi
  if [ "${BENCH_KEEP:-0}" != 1 ] && [ $rc -eq 0 ]; then rm -rf "$WORK"; else log "kept $WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$RESULTS"
BASE="$(free_base_port)"
NBD_PORT=$((BASE + 90))
local_up local-up.log
"$ROOT/bin/curve" volume create "$VOLUME" --size 1GiB >/dev/null
wait_port "$NBD_PORT" "the NBD server"
URI="nbd://127.0.0.1:$NBD_PORT$VOLUME"

# randwrite JOB: 4 KiB random writes at iodepth 32 for RUNTIME seconds, JSON into $RESULTS/JOB.json.
randwrite() {
  log "fio $1"
  fio --name="$1" --output-format=json --output="$RESULTS/$1.json" --ioengine=nbd --uri="$URI" \
    --rw=randwrite --bs=4k --iodepth=32 --size="$SIZE" --time_based --runtime="$RUNTIME" --ramp_time=1 \
    --randrepeat=0 --norandommap || die "fio $1 failed"
}

log "prefill and warm up"
fio --name=prefill --ioengine=nbd --uri="$URI" --rw=write --bs=1M --iodepth=8 --size="$SIZE" \
  --output=/dev/null || die "prefilling the volume failed"
fio --name=warmup --ioengine=nbd --uri="$URI" --rw=randwrite --bs=4k --iodepth=32 --size="$SIZE" \
  --time_based --runtime=20 --output=/dev/null || die "warming up failed"

"$ROOT/bin/curve" local kill snapshot-service >/dev/null
randwrite plain
"$ROOT/bin/curve" snapshot create "$VOLUME" --name bench >"$RESULTS/snapshot-create.log"
randwrite after-snapshot

log "upload of the 1 GiB snapshot to the local S3 server"
"$ROOT/bin/curve" local start snapshot-service >/dev/null
python3 - "$ROOT" "$VOLUME" <<'PY' || die "the snapshot did not reach DONE"
import subprocess, sys, time
root, volume = sys.argv[1:]
deadline = time.time() + 900
while time.time() < deadline:
    out = subprocess.run([root + "/bin/curve", "snapshot", "list", volume], capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines() if line.startswith("bench ")]
    if rows and rows[0][1] in ("DONE", "ERROR"):
        sys.exit(0 if rows[0][1] == "DONE" else 1)
    time.sleep(0.5)
sys.exit(1)
PY
# the service's own measure of the copy, from the task's start (not the JVM's) to DONE
UPLOAD_MS=$(sed -n 's/.*copy of snapshot .* finished in \([0-9]*\) ms.*/\1/p' "$CURVE_HOME/snapshot-service/service.log" | tail -1)
[ -n "$UPLOAD_MS" ] || die "no finished copy in $CURVE_HOME/snapshot-service/service.log"

log "aws s3 cp of a 1 GiB file to the same server"
S3_ENV=$(python3 - "$CURVE_HOME/cluster.json" <<'PY'
import json, sys
store = json.load(open(sys.argv[1]))["objectStore"]
print(store["endpoint"], store["accessKey"], store["secretKey"], store["bucket"])
PY
)
read -r S3_ENDPOINT S3_ACCESS S3_SECRET S3_BUCKET <<<"$S3_ENV"
head -c 1073741824 /dev/urandom >"$WORK/upload.img"
cp_start=$(date +%s.%N)
AWS_ACCESS_KEY_ID="$S3_ACCESS" AWS_SECRET_ACCESS_KEY="$S3_SECRET" AWS_DEFAULT_REGION=us-east-1 \
  aws --endpoint-url "$S3_ENDPOINT" s3 cp --only-show-errors "$WORK/upload.img" "s3://$S3_BUCKET/bench/upload.img" \
  || die "aws s3 cp failed"
cp_end=$(date +%s.%N)
rm -f "$WORK/upload.img"

python3 - "$RESULTS" "$UPLOAD_MS" "$cp_start" "$cp_end" "$RUNTIME" <<'PY' | tee "$RESULTS/snapshot.md"
import json, os, sys
results, upload_ms, cp0, cp1, runtime = sys.argv[1:]
def iops(name):
    job = json.load(open(os.path.join(results, name + ".json")))["jobs"][0]["write"]
    return job["iops"], job["clat_ns"]["mean"] / 1000
plain, plain_lat = iops("plain")
cow, cow_lat = iops("after-snapshot")
upload = int(upload_ms) / 1000
copy = float(cp1) - float(cp0)
load = os.getloadavg()
print("## Snapshots\n")
print(f"fio 4 KiB random writes, iodepth 32, {runtime} s, through our NBD server on a prefilled 1 GiB "
      "3-replica volume (the snapshot service stopped during both runs); the upload of the 1 GiB "
      "snapshot by the snapshot service against `aws s3 cp` of a 1 GiB file to the same local S3 "
      f"server (S3Proxy, filesystem backend). Load average at the end: {load[0]:.1f}.\n")
print("| figure | ours | baseline | ratio |")
print("|---|---:|---:|---:|")
print(f"| 4 KiB random writes right after a snapshot (first writes copy their page) | {cow:,.0f} IOPS, "
      f"{cow_lat:,.0f} us mean | {plain:,.0f} IOPS, {plain_lat:,.0f} us mean (no snapshot) | {cow / plain:.2f}x |")
print(f"| upload of a 1 GiB snapshot to S3 | {upload:.1f} s, {1024 / upload:.1f} MiB/s | "
      f"{copy:.1f} s, {1024 / copy:.1f} MiB/s (`aws s3 cp`) | {copy / upload:.2f}x |")
PY

# the section goes last in bench/RESULTS.md, in place of an earlier one
{
  sed '/^## Snapshots$/,$d' "$ROOT/bench/RESULTS.md" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
  echo
  cat "$RESULTS/snapshot.md"
} >"$WORK/RESULTS.md"
mv "$WORK/RESULTS.md" "$ROOT/bench/RESULTS.md"
