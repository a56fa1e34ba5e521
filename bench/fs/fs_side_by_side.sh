#!/usr/bin/env bash
# CurveFS side by side with s3fs (on the same S3 server) and a local directory: the same
# fio jobs and metadata loop on each, one table with ratios. See bench/README.md.
#
#   bench/fs/fs_side_by_side.sh                         # all five, against the running local cluster
#   BENCH_FS_TARGETS="local s3fs" bench/fs/fs_side_by_side.sh   # any subset; without a cluster the
#                                                       # s3fs half uses an S3Proxy started here
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
START=$(date +%s)
CURVE_HOME="${CURVE_HOME:-$ROOT/.curve}"
WORK="${BENCH_FS_DIR:-/tmp/curve-fs-bench}"
RESULTS="${BENCH_FS_RESULTS:-$WORK/results}"
TARGETS="${BENCH_FS_TARGETS:-local s3fs curvefs curvefs-wb curvefs-mwb}"
SIZE="${BENCH_FS_SIZE:-256M}"            # the 1 MiB sequential file
RAND_SIZE="${BENCH_FS_RAND_SIZE:-64M}"   # the 4 KiB random-read files
RUNTIME="${BENCH_RUNTIME:-10}"           # seconds per random-read job
UPLOAD_DELAY="${BENCH_FS_UPLOAD_DELAY:-30}"  # curvefs-delay's --upload-delay, seconds
META_FILES="${BENCH_FS_META_FILES:-2000}"
META_WARMUP="${BENCH_FS_META_WARMUP:-3000}"  # files of the uncounted metadata round before it
META_ROUNDS="${BENCH_FS_META_ROUNDS:-3}"     # measured metadata rounds: each rate is their median
FS_NAME="${BENCH_FS_NAME:-bench-fs}"
S3FS_BUCKET="bench-s3fs"
# shellcheck source=../lib.sh
source "$ROOT/bench/lib.sh"

mkdir -p "$WORK" "$RESULTS"
MOUNTED_S3FS=""
S3PROXY_PID=""
cleanup() {
  [ -n "$MOUNTED_S3FS" ] && { fusermount3 -u "$MOUNTED_S3FS" 2>/dev/null || fusermount -u "$MOUNTED_S3FS" 2>/dev/null || true; }
  [ -n "$MOUNTED_CURVEFS" ] && { umount_curvefs || true; }
  [ -n "$S3PROXY_PID" ] && kill "$S3PROXY_PID" 2>/dev/null || true
  return 0
}
trap cleanup EXIT

is_fuse_mount() {
  python3 - "$1" <<'PY'
import os, sys
want = os.path.abspath(sys.argv[1])
for line in open("/proc/self/mountinfo"):
    f = line.split(" ")
    mp = f[4].encode().decode("unicode_escape")
    fstype = f[f.index("-") + 1]
    if mp == want and (fstype == "fuse" or fstype.startswith("fuse.")):
        sys.exit(0)
sys.exit(1)
PY
}

# fio_job DIR JOB FIO-ARGS...: one fio job on DIR, its JSON kept as $RESULTS/TARGET-JOB.json.
fio_job() {
  local dir=$1 job=$2
  shift 2
  fio --name="$job" --directory="$dir" --ioengine=psync --output-format=json "$@" >"$RESULTS/$TARGET-$job.json"
}

# fio_value TARGET-JOB read|write bw|iops: from fio's JSON, MiB/s or IOPS.
fio_value() {
  python3 - "$RESULTS/$1.json" "$2" "$3" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0][sys.argv[2]]
print(round(job["bw_bytes"] / 1048576, 1) if sys.argv[3] == "bw" else round(job["iops"], 1))
PY
}

# The fio jobs and the metadata loop on DIR; results as $RESULTS/TARGET.json.
# The running local cluster's file system, a mount point for $TARGET and an empty
# disk cache directory of its own (CACHE_DIR).
prepare_curvefs() {
  [ -f "$CURVE_HOME/cluster.json" ] || die "no cluster in $CURVE_HOME: start one with bin/curve local up"
  "$ROOT/bin/curve" fs info "$FS_NAME" >/dev/null 2>&1 || "$ROOT/bin/curve" fs create "$FS_NAME" >&2
  CACHE_DIR="$WORK/cache-$TARGET"
  rm -rf "$CACHE_DIR"
  mkdir -p "$WORK/$TARGET"
}

# Waits (up to 180 s) until a CurveFS mount has nothing pending upload or commit, read from
# its metrics file: a measured round then does not share the two cores with the uploads and
# commits of the rounds before it, which it would otherwise pay for in place of its own.
drain_write_back() {
  local metrics="$CACHE_DIR/metrics.prom" since
  [ -f "$metrics" ] || return 0
  since=$(date +%s)
  for _ in $(seq 1 90); do
    if [ "$(stat -c %Y "$metrics")" -gt "$since" ] && awk '
        /^curve4j_fs_(cache_pending_upload_bytes|metadata_pending_records)/ { if ($2 + 0 != 0) busy = 1 }
        END { exit busy }' "$metrics"; then
      log "$TARGET: write-back drained after $(( $(date +%s) - since )) s"
      return 0
    fi
    sleep 2
  done
  log "$TARGET: write-back not drained after 180 s; measuring anyway"
}

measure() {
  local dir=$1
  log "$TARGET: 1 MiB sequential write of $SIZE"
  fio_job "$dir" seqwrite --filename=seq.dat --rw=write --bs=1M --size="$SIZE" --end_fsync=1
  drop_caches
  log "$TARGET: 1 MiB sequential read"
  fio_job "$dir" seqread --filename=seq.dat --rw=read --bs=1M --size="$SIZE"
  log "$TARGET: 4 KiB and 1 MiB writes with fsync every 1 MiB"
  fio_job "$dir" write4k-sync --filename=sync4k.dat --rw=write --bs=4k --fsync=256 --size=32M
  fio_job "$dir" write1m-sync --filename=sync1m.dat --rw=write --bs=1M --fsync=1 --size=64M
  rm -f "$dir/sync4k.dat" "$dir/sync1m.dat"
  log "$TARGET: 4 KiB random read, cached (a $RAND_SIZE file read once before)"
  fio_job "$dir" prep-hot --filename=hot.dat --rw=write --bs=1M --size="$RAND_SIZE" --end_fsync=1
  fio_job "$dir" warm --filename=hot.dat --rw=read --bs=1M --size="$RAND_SIZE" --invalidate=0
  fio_job "$dir" randread-cached --filename=hot.dat --rw=randread --bs=4k --size="$RAND_SIZE" --invalidate=0 \
    --time_based --runtime="$RUNTIME"
  log "$TARGET: 4 KiB random read, uncached (page cache dropped)"
  fio_job "$dir" prep-cold --filename=cold.dat --rw=write --bs=1M --size="$RAND_SIZE" --end_fsync=1
  drop_caches
  fio_job "$dir" randread-uncached --filename=cold.dat --rw=randread --bs=4k --size="$RAND_SIZE" --invalidate=1 \
    --time_based --runtime="$RUNTIME"
  rm -f "$dir/seq.dat" "$dir/hot.dat" "$dir/cold.dat"
  log "$TARGET: metadata, $META_ROUNDS rounds of $META_FILES files in one directory and across many (after a warm-up round of $META_WARMUP)"
  # the warm-up is not counted: a client that compiles its hot paths as it runs (ours, a JVM) starts slow,
  # and its create path is compiled only after some thousand files (bench/README.md, "Warm-up")
  python3 "$ROOT/bench/fs/meta.py" "$dir" "$META_WARMUP" >/dev/null
  local round rounds=()
  for round in $(seq 1 "$META_ROUNDS"); do
    case "$TARGET" in curvefs*) drain_write_back ;; esac
    python3 "$ROOT/bench/fs/meta.py" "$dir" "$META_FILES" >"$RESULTS/$TARGET-meta-$round.json"
    rounds+=("$RESULTS/$TARGET-meta-$round.json")
  done
  # the median of the rounds, rate by rate: one round that met a busy moment of the shared machine moves it least
  python3 - "$RESULTS/$TARGET-meta.json" "${rounds[@]}" <<'PY'
import json, statistics, sys
rounds = [json.load(open(f)) for f in sys.argv[2:]]
json.dump({k: statistics.median(r[k] for r in rounds) for k in rounds[0]}, open(sys.argv[1], "w"))
PY
  python3 - "$RESULTS/$TARGET.json" "$RESULTS/$TARGET-meta.json" \
    "$(fio_value "$TARGET-seqwrite" write bw)" "$(fio_value "$TARGET-seqread" read bw)" \
    "$(fio_value "$TARGET-write4k-sync" write bw)" "$(fio_value "$TARGET-write1m-sync" write bw)" \
    "$(fio_value "$TARGET-randread-cached" read iops)" "$(fio_value "$TARGET-randread-uncached" read iops)" <<'PY'
import json, sys
out, meta = sys.argv[1], json.load(open(sys.argv[2]))
rows = {"seq write 1M MiB/s": float(sys.argv[3]), "seq read 1M MiB/s": float(sys.argv[4]),
        "write 4k, fsync/1M MiB/s": float(sys.argv[5]), "write 1M, fsync/1M MiB/s": float(sys.argv[6]),
        "randread 4k cached IOPS": float(sys.argv[7]), "randread 4k uncached IOPS": float(sys.argv[8])}
rows.update(meta)
json.dump(rows, open(out, "w"), indent=1)
PY
}

# The write-back mount's sequential read from a new mount, first with its disk cache
# emptied (every object from S3: cold), then with the cache the cold read filled (warm).
cache_reads() {
  local dir=$1
  shift
  log "$TARGET: 1 MiB sequential read from a new mount, cold and warm disk cache"
  fio_job "$dir" prep-cache --filename=cache.dat --rw=write --bs=1M --size="$SIZE" --end_fsync=1
  umount_curvefs
  rm -rf "$CACHE_DIR/read"
  mount_curvefs "$dir" "$@"
  drop_caches
  fio_job "$dir" seqread-cold-cache --filename=cache.dat --rw=read --bs=1M --size="$SIZE"
  umount_curvefs
  mount_curvefs "$dir" "$@"
  drop_caches
  fio_job "$dir" seqread-warm-cache --filename=cache.dat --rw=read --bs=1M --size="$SIZE"
  rm -f "$dir/cache.dat"
  python3 - "$RESULTS/$TARGET.json" "$(fio_value "$TARGET-seqread-cold-cache" read bw)" \
    "$(fio_value "$TARGET-seqread-warm-cache" read bw)" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
rows["seq read 1M, new mount, cold cache MiB/s"] = float(sys.argv[2])
rows["seq read 1M, new mount, warm cache MiB/s"] = float(sys.argv[3])
json.dump(rows, open(sys.argv[1], "w"), indent=1)
PY
}

# The S3 server: the local cluster's (keys from its connection file), else an S3Proxy of our own.
s3_settings() {
  if [ -f "$CURVE_HOME/cluster.json" ]; then
    eval "$(python3 - "$CURVE_HOME/cluster.json" <<'PY'
import json, shlex, sys
s = json.load(open(sys.argv[1]))["objectStore"]
for k, v in (("S3_ENDPOINT", s["endpoint"]), ("S3_REGION", s["region"]), ("S3_ACCESS", s["accessKey"]), ("S3_SECRET", s["secretKey"])):
    print("%s=%s" % (k, shlex.quote(v)))
PY
)"
    log "S3: the local cluster's, $S3_ENDPOINT"
    return
  fi
  local jar port
  jar=$(ls "$ROOT"/local-cluster/target/s3proxy/*-jar-with-dependencies.jar 2>/dev/null | head -1) \
    || die "no cluster in $CURVE_HOME and no S3Proxy jar: build first (mvn -B -DskipTests package)"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  S3_ENDPOINT="http://127.0.0.1:$port" S3_REGION=us-east-1 S3_ACCESS="bench-$RANDOM" S3_SECRET="$(head -c 18 /dev/urandom | base64)"
  mkdir -p "$WORK/s3proxy/data"
  printf '%s\n' "s3proxy.endpoint=$S3_ENDPOINT" s3proxy.authorization=aws-v2-or-v4 "s3proxy.identity=$S3_ACCESS" \
    "s3proxy.credential=$S3_SECRET" jclouds.provider=filesystem "jclouds.filesystem.basedir=$WORK/s3proxy/data" \
    >"$WORK/s3proxy/s3proxy.conf"
  chmod 600 "$WORK/s3proxy/s3proxy.conf"
  java -jar "$jar" --properties "$WORK/s3proxy/s3proxy.conf" >"$RESULTS/s3proxy.log" 2>&1 &
  S3PROXY_PID=$!
  wait_port "$port" "S3Proxy"
  log "S3: no cluster in $CURVE_HOME, an S3Proxy of our own at $S3_ENDPOINT"
}

for TARGET in $TARGETS; do
  case "$TARGET" in
    local)
      mkdir -p "$WORK/local"
      measure "$WORK/local"
      ;;
    s3fs)
      command -v s3fs >/dev/null || die "s3fs is not installed (apt-get install s3fs)"
      s3_settings
      export AWS_ACCESS_KEY_ID="$S3_ACCESS" AWS_SECRET_ACCESS_KEY="$S3_SECRET" AWS_DEFAULT_REGION="$S3_REGION"
      aws --endpoint-url "$S3_ENDPOINT" s3api head-bucket --bucket "$S3FS_BUCKET" >/dev/null 2>&1 \
        || aws --endpoint-url "$S3_ENDPOINT" s3api create-bucket --bucket "$S3FS_BUCKET" >/dev/null
      install -m 600 /dev/null "$WORK/s3fs.passwd"
      echo "$S3_ACCESS:$S3_SECRET" >"$WORK/s3fs.passwd"
      mkdir -p "$WORK/s3fs"
      # path-style requests (S3Proxy has no virtual hosts); no local cache: every read goes to S3 as CurveFS's do
      s3fs "$S3FS_BUCKET" "$WORK/s3fs" -o passwd_file="$WORK/s3fs.passwd" -o url="$S3_ENDPOINT" \
        -o use_path_request_style -o endpoint="$S3_REGION" -o logfile="$RESULTS/s3fs.log" -o dbglevel=warn
      MOUNTED_S3FS="$WORK/s3fs"
      for _ in $(seq 1 50); do is_fuse_mount "$WORK/s3fs" && break; sleep 0.2; done
      is_fuse_mount "$WORK/s3fs" || die "s3fs did not mount; see $RESULTS/s3fs.log"
      measure "$WORK/s3fs"
      fusermount3 -u "$WORK/s3fs" || fusermount -u "$WORK/s3fs"
      MOUNTED_S3FS=""
      ;;
    curvefs)
      prepare_curvefs
      mount_curvefs "$WORK/curvefs"
      measure "$WORK/curvefs"
      umount_curvefs
      ;;
    curvefs-wb)
      prepare_curvefs
      wb=(--cache-dir "$CACHE_DIR" --cache-mode write-back --cache-size "${BENCH_FS_CACHE_SIZE:-4G}")
      mount_curvefs "$WORK/curvefs-wb" "${wb[@]}"
      measure "$WORK/curvefs-wb"
      cache_reads "$WORK/curvefs-wb" "${wb[@]}"
      umount_curvefs
      ;;
    curvefs-mwb|curvefs-delay)
      # write-back cache and metadata write-back: creates and piece records committed in batches;
      # curvefs-delay also keeps each written piece on the cache disk for a while before its upload
      prepare_curvefs
      mwb=(--cache-dir "$CACHE_DIR" --cache-mode write-back --cache-size "${BENCH_FS_CACHE_SIZE:-4G}" --metadata-write-back)
      [ "$TARGET" = curvefs-delay ] && mwb+=(--upload-delay "$UPLOAD_DELAY")
      mount_curvefs "$WORK/$TARGET" "${mwb[@]}"
      measure "$WORK/$TARGET"
      umount_curvefs
      ;;
    *) die "unknown target '$TARGET' (local, s3fs, curvefs, curvefs-wb, curvefs-mwb, curvefs-delay)" ;;
  esac
done

python3 "$ROOT/bench/fs/fs_report.py" "$RESULTS" $TARGETS | tee "$RESULTS/table.md"
log "done; fio's JSON per job and the table in $RESULTS"
