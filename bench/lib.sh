# Shared by the benchmark scripts (sourced): logging and the ports of a local cluster.
# Needs START (seconds since the epoch when the script began), ROOT, RESULTS and CURVE_HOME.

log() { printf '[%4ds] %s\n' "$(($(date +%s) - START))" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# True when something accepts connections on 127.0.0.1:$1.
port_answers() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.settimeout(0.5)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
}

# True when none of the ports a local cluster at base $1 uses (P .. P+106) is taken.
ports_free() {
  python3 - "$1" <<'PY'
import socket, sys
base = int(sys.argv[1])
for port in range(base, base + 107):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        sys.exit(1)
    finally:
        s.close()
PY
}

wait_port() {
  local port=$1 what=$2
  for _ in $(seq 1 120); do
    port_answers "$port" && return 0
    sleep 0.5
  done
  die "$what did not answer on port $port"
}

# The base port for a local cluster: BENCH_BASE_PORT, or the first free of a few candidates.
free_base_port() {
  if [ -n "${BENCH_BASE_PORT:-}" ]; then
    echo "$BENCH_BASE_PORT"
    return
  fi
  for candidate in 17400 17600 17800 18000 18200 18400; do
    if ports_free "$candidate"; then echo "$candidate"; return; fi
  done
  die "no free base port found; set BENCH_BASE_PORT"
}

# local_up LOG [ARGS...]: `bin/curve local up ARGS` at $BASE in $CURVE_HOME, its output in
# $RESULTS/LOG (shown when it fails); CLUSTER_UP tells the cleanup to take it down.
local_up() {
  local out="$RESULTS/$1"
  shift
  log "starting a local cluster at base port $BASE in $CURVE_HOME"
  CLUSTER_UP=1
  "$ROOT/bin/curve" local up --base-port "$BASE" "$@" >"$out" 2>&1 \
    || { cat "$out" >&2; die "bin/curve local up failed"; }
}

# Empties the kernel's page cache (root only): reads after it go through the file system.
drop_caches() {
  sync
  if [ -w /proc/sys/vm/drop_caches ]; then echo 3 > /proc/sys/vm/drop_caches; else log "cannot drop the page cache (not root): uncached reads may hit it"; fi
}

# The benchmark file system ($FS_NAME) mounted through bin/curve: one mount at a time,
# MOUNTED_CURVEFS names it for the scripts' EXIT traps.
MOUNTED_CURVEFS=""

# mount_curvefs DIR [OPTIONS...]
mount_curvefs() {
  local dir=$1
  shift
  "$ROOT/bin/curve" fs mount "$FS_NAME" "$dir" "$@" >&2
  MOUNTED_CURVEFS="$dir"
}

umount_curvefs() {
  "$ROOT/bin/curve" fs umount "$MOUNTED_CURVEFS" >&2
  MOUNTED_CURVEFS=""
}
