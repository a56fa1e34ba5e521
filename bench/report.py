#!/usr/bin/env python3
"""Turns the raw results of bench/run.sh into the Markdown report (bench/RESULTS.md).

usage: report.py RESULTS_DIR RUNTIME RAMP JVM_RAMP WORK_DIR

RESULTS_DIR holds <target>.<shape>.json (fio --output-format=json), curve-sdk.<shape>.txt
(`curve bench` output), raft-floor.<shape>.txt and grpc-floor.<shape>.txt (`curve floor`
output), rss.<service> (VmHWM in KiB), import.<tool>.seconds, idle-cpu.txt (bench/idle_cpu.py)
and load-start/load-end.txt.
"""
import datetime
import json
import os
import platform
import re
import subprocess
import sys

SHAPES = [
    ("randwrite-4k-qd1", "4 KiB random write, iodepth 1 (floor: + fsync each)"),
    ("randwrite-4k-qd32", "4 KiB random write, iodepth 32"),
    ("randread-4k-qd32", "4 KiB random read, iodepth 32"),
    ("write-1m-qd4", "1 MiB sequential write, iodepth 4"),
    ("read-1m-qd4", "1 MiB sequential read, iodepth 4"),
]
TARGETS = ["floor", "qemu-nbd", "raft-floor", "grpc-floor", "curve-nbd", "curve-sdk", "curve-sdk-open"]
# measured with `curve floor` only for the shapes whose ceiling they set (run.sh picks the layer);
# other rows are left out
LAYER_FLOORS = ("raft-floor", "grpc-floor")

# (shape, the ratio of curve-nbd to qemu-nbd IOPS issue 14 asks for, its goal)
RATIO_TARGETS = [("randwrite-4k-qd32", 0.15, 0.5), ("randread-4k-qd32", 0.35, 0.7), ("write-1m-qd4", 0.15, 0.5)]
# mean latency of a 4 KiB write at iodepth 1 over the fsync floor: asked for, goal
LATENCY_TARGET = (8.0, 3.0)
# `volume import` speed over `qemu-img convert` into qemu-nbd: asked for, goal
IMPORT_TARGET = (0.3, 0.7)
CHUNKSERVER_RSS_LIMIT_KIB = 1024 * 1024
# share of a core of a chunkserver with 100 idle copysets, in percent
IDLE_CPU_LIMIT = 3.0


def fio_result(path):
    """IOPS, MiB/s, mean and p99 latency (ms) of the one job in a fio JSON file."""
    with open(path) as f:
        text = f.read()
    job = json.loads(text[text.index("{"):])["jobs"][0]
    side = job["write"] if job["write"]["io_bytes"] > 0 else job["read"]
    mean = side["lat_ns"]["mean"]
    p99 = side["clat_ns"].get("percentile", {}).get("99.000000", 0)
    sync = job.get("sync", {})
    if sync.get("total_ios", 0) > 0:
        # with --fsync=1 an operation is the write plus its fsync
        mean += sync["lat_ns"]["mean"]
        p99 += sync["lat_ns"].get("percentile", {}).get("99.000000", 0)
    return {"iops": side["iops"], "mibs": side["bw_bytes"] / 2**20, "mean": mean / 1e6, "p99": p99 / 1e6,
            "errors": job.get("error", 0)}


def bench_result(path):
    """The same figures from `curve bench` output."""
    with open(path) as f:
        return bench_figures(f.read())


def bench_figures(text):
    """The figures of one `curve bench` or `curve floor` report."""
    iops = re.search(r"IOPS:\s+([\d.]+)", text)
    mibs = re.search(r"bandwidth:\s+([\d.]+) MiB/s", text)
    lat = re.search(r"latency ms: mean ([\d.]+)\s+p50 [\d.]+\s+p99 ([\d.]+)", text)
    errors = re.search(r"(\d+) errors", text)
    cpu = re.search(r"cpu ms/op:\s+([\d.]+) \(([^)]*)\)", text)
    if not (iops and mibs and lat):
        return None
    return {"iops": float(iops.group(1)), "mibs": float(mibs.group(1)), "mean": float(lat.group(1)),
            "p99": float(lat.group(2)), "errors": int(errors.group(1)) if errors else 0,
            "cpu": float(cpu.group(1)) if cpu else None, "cpu_scope": cpu.group(2) if cpu else None}


def raft_floor_results(path):
    """`curve floor raft` runs once per Raft log store: their figures by store name."""
    with open(path) as f:
        text = f.read()
    stores = {}
    for section in text.split("floor raft:")[1:]:
        store = re.search(r"Raft log (\w+)", section)
        figures = bench_figures(section)
        if store and figures:
            stores[store.group(1)] = figures
    return stores


def load(results):
    figures = {}
    for shape, _ in SHAPES:
        for target in TARGETS:
            if target == "raft-floor":
                path = os.path.join(results, f"{target}.{shape}.txt")
                if os.path.exists(path):
                    stores = raft_floor_results(path)
                    for store, f in stores.items():
                        figures[(shape, f"raft-floor-{store}")] = f
                    # the row is the store the copysets use
                    figures[(shape, target)] = stores.get("journal") or next(iter(stores.values()), None)
            elif target.startswith("curve-sdk") or target in LAYER_FLOORS:
                path = os.path.join(results, f"{target}.{shape}.txt")
                if os.path.exists(path):
                    figures[(shape, target)] = bench_result(path)
            else:
                path = os.path.join(results, f"{target}.{shape}.json")
                if os.path.exists(path):
                    figures[(shape, target)] = fio_result(path)
    return figures


def read_number(path):
    """The number a file holds, None when there is no such file."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return float(f.read().strip())


def idle_cpu(results):
    """{service: percent of a core} from idle-cpu.txt."""
    path = os.path.join(results, "idle-cpu.txt")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {name: float(value) for name, value in (line.split() for line in f if line.strip())}


def verdict(value, asked, goal, higher_is_better=True):
    if value is None:
        return "-"
    met = (lambda bar: value >= bar) if higher_is_better else (lambda bar: value <= bar)
    return "goal met" if met(goal) else ("met" if met(asked) else "missed")


def command(*args):
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=10)
        return (out.stdout + out.stderr).strip()
    except (OSError, subprocess.SubprocessError):
        return "unavailable"


def machine(work):
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    df = command("df", "-hT", work).splitlines()
    disk = df[-1] if df else "unknown"
    source = disk.split()[0] if disk != "unknown" else ""
    model = command("lsblk", "-dno", "NAME,MODEL,ROTA,SIZE", source) if source.startswith("/dev/") else ""
    return [
        f"- CPU: {os.cpu_count()} x {cpu} (nproc {command('nproc')})",
        f"- memory: {mem_kib / 2**20:.1f} GiB",
        f"- disk (work directory {work}): `{disk}`" + (f", `{model}`" if model else ""),
        f"- kernel: {platform.release()}",
        f"- java: {command('java', '-version').splitlines()[0]}",
        f"- fio: {command('fio', '--version')}; qemu-nbd: {command('qemu-nbd', '--version').splitlines()[0]}",
    ]


def fmt(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def ratio(ours, base, key):
    if ours is None or base is None or not base[key]:
        return None
    return ours[key] / base[key]


def main():
    results, runtime, ramp, jvm_ramp, work = sys.argv[1:6]
    figures = load(results)
    out = []
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    out.append(f"# Benchmark results ({now})")
    out.append("")
    out.append(f"Produced by `bench/run.sh` ({runtime} s measured per job, after {ramp} s of ramp for fio and "
               f"{jvm_ramp} s for `curve bench` and `curve floor`, which start a new JVM per job; the fresh "
               "cluster first ran a warm-up load so that its JVMs run compiled code). Machine:")
    out.append("")
    out.extend(machine(work))
    for name in ("load-start", "load-end"):
        path = os.path.join(results, f"{name}.txt")
        if os.path.exists(path):
            with open(path) as f:
                out.append(f"- {name.replace('-', ' at ')}: `{f.read().strip()}`")
    out.append("")
    out.append("Targets: `floor` fio on a file in the filesystem of the cluster's data; `qemu-nbd` "
               "`qemu-nbd -f raw -t --cache=none --aio=native` on a raw file, one copy, via fio's NBD engine; "
               "`curve-nbd` our NBD server, 3-replica volume, same fio jobs; `curve-sdk` `bin/curve bench` "
               "(SDK, no NBD); `curve-sdk-open` the same on a cluster started with `local up --open-data-path` "
               "(no data key: no chunk capability checked); `raft-floor` `bin/curve floor raft`: the same writes as entries proposed to a "
               "bare 3-replica sofa-jraft group (three JVMs, the copysets' Raft settings, a state machine that "
               "applies nothing), the ceiling of any write path built on it; `grpc-floor` `bin/curve floor "
               "grpc`: the reads as bare unary gRPC calls in one JVM, the per-call ceiling of the read path "
               "(the SDK batches reads, so not a hard one). Every region was written once before it was measured (the first write to a "
               "chunk creates its file: these are warm runs). Ratios are IOPS over the `qemu-nbd` and `floor` "
               "figures of the same shape; for the iodepth-1 write, the latency ratio to the fsync floor is "
               "listed below.")
    out.append("")
    out.append("| shape | target | IOPS | MiB/s | mean ms | p99 ms | x qemu-nbd | x floor |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for shape, title in SHAPES:
        base = figures.get((shape, "qemu-nbd"))
        floor = figures.get((shape, "floor"))
        for target in TARGETS:
            f = figures.get((shape, target))
            if f is None and (target in LAYER_FLOORS or target == "curve-sdk-open"):
                continue
            if f is None:
                out.append(f"| {title} | {target} | - | - | - | - | - | - |")
                continue
            ours = target.startswith("curve") or target in LAYER_FLOORS
            errors = f" ({f['errors']} errors)" if f.get("errors") else ""
            out.append(f"| {title} | {target}{errors} | {fmt(f['iops'], 0)} | {fmt(f['mibs'])} | "
                       f"{fmt(f['mean'], 3)} | {fmt(f['p99'], 3)} | "
                       f"{fmt(ratio(f, base, 'iops'), 2) if ours else ''} | "
                       f"{fmt(ratio(f, floor, 'iops'), 2) if ours else ''} |")
    out.append("")
    out.append("| service | peak RSS (VmHWM) |")
    out.append("|---|---:|")
    rss = {}
    for name in sorted(os.listdir(results)):
        if name.startswith("rss."):
            with open(os.path.join(results, name)) as f:
                text = f.read().strip()
            if text:
                rss[name[4:]] = int(text)
                out.append(f"| {name[4:]} | {int(text) / 1024:,.0f} MiB |")
    out.append("")
    out.append("What checking chunk capabilities costs (curve-sdk, whose every chunk call carries one, over "
               "curve-sdk-open, the same shape on a cluster without a data key, this run; the target is at most 5 % "
               "fewer IOPS):")
    out.append("")
    for shape, _ in SHAPES:
        checked = figures.get((shape, "curve-sdk"))
        open_ = figures.get((shape, "curve-sdk-open"))
        if checked and open_:
            out.append(f"- {shape}: {fmt(ratio(checked, open_, 'iops'), 3)}x the IOPS without the check")
    out.append("")
    out.append("What the credentials cost a bare call (`curve floor grpc` with `--credentials`: a chunk capability "
               "parsed and checked and a cluster credential signed and checked per call, over the same calls "
               "without, alternated A B A B in this run; a data-path call does far more, so this bounds the share "
               "from above):")
    out.append("")
    for shape, _ in SHAPES:
        pairs = []
        for rnd in (1, 2):
            paths = [os.path.join(results, f"grpc-{v}.{shape}.{rnd}.txt") for v in ("plain", "credentials")]
            if all(os.path.exists(p) for p in paths):
                plain, checked = (bench_result(p) for p in paths)
                if plain and checked:
                    pairs.append((plain, checked))
        if pairs:
            iops = sum(c["iops"] / p["iops"] for p, c in pairs) / len(pairs)
            line = f"- {shape}: {fmt(iops, 3)}x the calls per second without the credentials"
            cpu = [(p["cpu"], c["cpu"]) for p, c in pairs if p["cpu"] and c["cpu"]]
            if cpu:
                extra = sum(c - p for p, c in cpu) / len(cpu)
                line += f"; {fmt(extra * 1000, 1)} CPU us more per call ({fmt(sum(c / p for p, c in cpu) / len(cpu), 3)}x)"
            out.append(line + f" (mean of {len(pairs)} pairs)")
    out.append("")
    qemu_import = read_number(os.path.join(results, "import.qemu-img.seconds"))
    curve_import = read_number(os.path.join(results, "import.curve.seconds"))
    import_ratio = qemu_import / curve_import if qemu_import and curve_import else None
    if import_ratio is not None:
        size = 2**30
        out.append(f"Import of {size // 2**20} MiB of random bytes (this run): `qemu-img convert -n -f raw -O raw` into "
                   f"qemu-nbd's export {fmt(qemu_import, 2)} s ({fmt(size / 2**20 / qemu_import)} MiB/s), "
                   f"`bin/curve volume import` into the 3-replica volume {fmt(curve_import, 2)} s "
                   f"({fmt(size / 2**20 / curve_import)} MiB/s): {fmt(import_ratio, 2)}x the speed.")
        out.append("")
    idle = {k: v for k, v in idle_cpu(results).items() if k.startswith("chunkserver")}
    if idle:
        out.append("An idle cluster (this run): each chunkserver holding 100 copysets (3 replicas each), no I/O, "
                   "CPU over 30 s: " + ", ".join(f"{k} {fmt(v, 2)} %" for k, v in sorted(idle.items()))
                   + " of a core.")
        out.append("")
    out.append("Targets of issue 14 (curve-nbd, this run; asked for / goal):")
    out.append("")
    for shape, asked, goal in RATIO_TARGETS:
        r = ratio(figures.get((shape, "curve-nbd")), figures.get((shape, "qemu-nbd")), "iops")
        out.append(f"- {shape}: {fmt(r, 2)}x qemu-nbd (>= {asked}x / {goal}x): {verdict(r, asked, goal)}")
    ours = figures.get(("randwrite-4k-qd1", "curve-nbd"))
    floor = figures.get(("randwrite-4k-qd1", "floor"))
    lat = None if not ours or not floor or not floor["mean"] else ours["mean"] / floor["mean"]
    out.append(f"- randwrite-4k-qd1 mean latency: {fmt(lat, 2)}x the fsync floor (<= {LATENCY_TARGET[0]}x / "
               f"{LATENCY_TARGET[1]}x): {verdict(lat, *LATENCY_TARGET, higher_is_better=False)}")
    out.append(f"- volume import: {fmt(import_ratio, 2)}x qemu-img convert (>= {IMPORT_TARGET[0]}x / "
               f"{IMPORT_TARGET[1]}x): {verdict(import_ratio, *IMPORT_TARGET)}")
    chunkservers = {k: v for k, v in rss.items() if k.startswith("chunkserver")}
    if chunkservers:
        worst = max(chunkservers.values())
        met = "met" if worst < CHUNKSERVER_RSS_LIMIT_KIB else "missed"
        out.append(f"- chunkserver peak RSS: {worst / 1024:,.0f} MiB (< 1024 MiB): {met}")
    if idle:
        worst = max(idle.values())
        met = "met" if worst < IDLE_CPU_LIMIT else "missed"
        out.append(f"- idle chunkserver with 100 copysets: {fmt(worst, 2)} % of a core (< {IDLE_CPU_LIMIT} %): {met}")
    out.append("")
    out.append("The Raft log stores side by side (`curve floor raft`, the journal the copysets use over jraft's "
               "RocksDB log, same run):")
    out.append("")
    for shape, _ in SHAPES:
        journal = figures.get((shape, "raft-floor-journal"))
        rocks = figures.get((shape, "raft-floor-rocksdb"))
        if journal and rocks:
            line = (f"- {shape}: journal {fmt(journal['iops'], 0)} IOPS, rocksdb {fmt(rocks['iops'], 0)}: "
                    f"{fmt(ratio(journal, rocks, 'iops'), 2)}x the IOPS, {fmt(ratio(journal, rocks, 'mean'), 2)}x the "
                    f"mean latency")
            if journal.get("cpu") and rocks.get("cpu"):
                line += f", {fmt(journal['cpu'] / rocks['cpu'], 2)}x the CPU per proposal"
            out.append(line)
    out.append("")
    out.append("Ceilings set by the layers under the data path (same run; CPU per operation summed over the "
               "processes named; the targets' CPU budget is the machine's cores over the IOPS they ask for):")
    out.append("")
    cores = os.cpu_count() or 1
    for shape, minimum, _ in RATIO_TARGETS + [("randwrite-4k-qd1", None, None)]:
        layer = next((floor for floor in LAYER_FLOORS if figures.get((shape, floor)) is not None), None)
        if layer is None:
            out.append(f"- {shape}: no layer floor measured")
            continue
        ceiling = figures[(shape, layer)]
        base = figures.get((shape, "qemu-nbd"))
        ours = figures.get((shape, "curve-nbd"))
        line = f"- {shape}: {layer} {fmt(ceiling['iops'], 0)} IOPS"
        if minimum is None:
            floor = figures.get((shape, "floor"))
            lat = None if not floor or not floor["mean"] else ceiling["mean"] / floor["mean"]
            line += f", mean {fmt(ceiling['mean'], 3)} ms = {fmt(lat, 2)}x the fsync floor (target <= {LATENCY_TARGET[0]}x)"
        else:
            line += f" = {fmt(ratio(ceiling, base, 'iops'), 2)}x qemu-nbd (target >= {minimum}x)"
            if ceiling.get("cpu") is not None and base:
                budget = cores * 1000.0 / (minimum * base["iops"])
                line += (f"; it spends {fmt(ceiling['cpu'], 3)} CPU ms per operation ({ceiling['cpu_scope']}), "
                         f"the target allows {fmt(budget, 3)} on {cores} cores for everything")
        if ours is not None:
            line += f"; curve-nbd reaches {fmt(ratio(ours, ceiling, 'iops'), 2)}x of it"
        out.append(line)
    print("\n".join(out))


if __name__ == "__main__":
    main()
