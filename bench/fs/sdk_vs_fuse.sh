#!/usr/bin/env bash
# The Hadoop SDK (curvefs-hadoop, no FUSE) against a FUSE mount of the same file system on
# the running local cluster: 1 MiB sequential write and read of the same size, in turns
# (FUSE, SDK, FUSE, SDK...), one ratio per pair. See bench/README.md.
#
#   bin/curve local up && bench/fs/sdk_vs_fuse.sh
#   BENCH_SDK_MIB=512 BENCH_ROUNDS=3 bench/fs/sdk_vs_fuse.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
START=$(date +%s)
CURVE_HOME="${CURVE_HOME:-$ROOT/.curve}"
WORK="${BENCH_FS_DIR:-/tmp/curve-sdk-bench}"
MIB="${BENCH_SDK_MIB:-256}"
ROUNDS="${BENCH_ROUNDS:-2}"
FS_NAME="${BENCH_FS_NAME:-bench-fs}"
# shellcheck source=../lib.sh
source "$ROOT/bench/lib.sh"

[ -f "$CURVE_HOME/cluster.json" ] || die "no local cluster in $CURVE_HOME: start one with bin/curve local up"
JAR="$(ls "$ROOT"/curvefs-hadoop/target/curvefs-hadoop-*.jar 2>/dev/null | grep -v -e tests -e sources | head -1)"
[ -n "$JAR" ] || die "build first: mvn -q -o install -DskipTests"
mkdir -p "$WORK"
MNT="$WORK/mnt"
cleanup() { [ -n "$MOUNTED_CURVEFS" ] && umount_curvefs || true; }
trap cleanup EXIT

# The SDK's classpath: its jar, its dependencies and Hadoop's (compile scope lists both).
CP_FILE="$ROOT/curvefs-hadoop/target/sdk.cp"
if [ ! -f "$CP_FILE" ]; then
  mvn -q -f "$ROOT/pom.xml" -DskipTests -pl curvefs-hadoop -am install
  mvn -q -f "$ROOT/pom.xml" -pl curvefs-hadoop dependency:build-classpath -Dmdep.includeScope=compile \
    -Dmdep.outputFile="$CP_FILE"
fi
MDS="$(python3 -c 'import json,sys; print(",".join(m["grpc"] for m in json.load(open(sys.argv[1]))["mds"]))' "$CURVE_HOME/cluster.json")"

"$ROOT/bin/curve" fs info "$FS_NAME" >/dev/null 2>&1 || "$ROOT/bin/curve" fs create "$FS_NAME" >&2
mkdir -p "$MNT"

# fuse_round: fio's 1 MiB sequential write (fsync at the end) of MIB MiB on a fresh mount,
# read back through another; prints "WRITE READ" in MiB/s.
fuse_round() {
  mount_curvefs "$MNT"
  fio --name=seqwrite --directory="$MNT" --filename=seq.dat --ioengine=psync --rw=write --bs=1M \
    --size="${MIB}M" --end_fsync=1 --output-format=json >"$WORK/fuse-write.json"
  # read through a new mount, as the SDK reads through a second client: nothing from the writer's memory
  umount_curvefs
  mount_curvefs "$MNT"
  drop_caches
  fio --name=seqread --directory="$MNT" --filename=seq.dat --ioengine=psync --rw=read --bs=1M \
    --size="${MIB}M" --output-format=json >"$WORK/fuse-read.json"
  rm -f "$MNT/seq.dat"
  umount_curvefs
  python3 - "$WORK/fuse-write.json" "$WORK/fuse-read.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["jobs"][0]["write"]["bw_bytes"] / 1048576
r = json.load(open(sys.argv[2]))["jobs"][0]["read"]["bw_bytes"] / 1048576
print("%.1f %.1f" % (w, r))
PY
}

# sdk_round: the same through the SDK (StreamThroughput: write and close, read through a
# second client, bytes checked); prints "WRITE READ" in MiB/s.
sdk_round() {
  java -cp "$JAR:$(cat "$CP_FILE")" -Dfs.curvefs.mds="$MDS" -Dfs.curvefs.secret.file="$CURVE_HOME/root.secret" \
    io.curve4j.fs.hadoop.example.StreamThroughput "curvefs://$FS_NAME/sdk-seq.bin" "$MIB" 2>"$WORK/sdk.log" \
    | awk '/^write_mib_s/ {w=$2} /^read_mib_s/ {r=$2} END {print w, r}'
}

printf '%-6s %12s %12s %7s %12s %12s %7s\n' round "FUSE write" "SDK write" ratio "FUSE read" "SDK read" ratio
for round in $(seq 1 "$ROUNDS"); do
  log "round $round: FUSE"
  read -r fw fr < <(fuse_round)
  log "round $round: SDK"
  read -r sw sr < <(sdk_round)
  [ -n "$sw" ] && [ -n "$sr" ] || { cat "$WORK/sdk.log" >&2; die "the SDK run failed"; }
  printf '%-6s %12s %12s %7s %12s %12s %7s\n' "$round" "$fw" "$sw" "$(awk -v a="$sw" -v b="$fw" 'BEGIN {printf "%.2fx", a / b}')" \
    "$fr" "$sr" "$(awk -v a="$sr" -v b="$fr" 'BEGIN {printf "%.2fx", a / b}')"
done
echo "MiB/s of ${MIB} MiB in 1 MiB calls; ratio = SDK / FUSE (above 1: the SDK is faster)"
