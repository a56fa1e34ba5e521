#!/usr/bin/env python3
"""Each service's share of one core over a time: usage: idle_cpu.py CURVE_HOME SECONDS

Reads utime + stime of every service of a local cluster (the pids in CURVE_HOME/*/service.pid)
from /proc before and after, and prints one line per service: NAME PERCENT_OF_A_CORE.
"""
import os
import sys
import time


def cpu_seconds(pid):
    # the fields after the command name, which may hold spaces: utime and stime are the 12th and 13th
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    home, seconds = sys.argv[1], float(sys.argv[2])
    pids = {}
    for name in sorted(os.listdir(home)):
        path = os.path.join(home, name, "service.pid")
        if os.path.exists(path):
            with open(path) as f:
                pids[name] = f.read().strip()
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    time.sleep(seconds)
    for name, pid in pids.items():
        print(f"{name} {100 * (cpu_seconds(pid) - before[name]) / seconds:.2f}")


if __name__ == "__main__":
    main()
