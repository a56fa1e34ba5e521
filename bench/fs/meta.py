#!/usr/bin/env python3
"""Metadata rates of a directory tree, mdtest-like: files created (open O_CREAT|O_EXCL,
close), stat'ed and removed per second, then small files created with 4 KiB written
(open, write, close) and removed, first N files in one directory, then the same N spread
over N/PER_DIR directories. Prints one JSON object of rates (operations/second).
The removes end with an fsync of each directory, counted in their time: a client that
answers unlinks before they are durable (CurveFS with metadata write-back) pays for their
commit there, not in the creates that follow.

Usage: meta.py DIR [N] [PER_DIR]    (DIR must exist; a subdirectory is made and removed)
"""
import json
import os
import sys
import time


def phase(paths, op, then=lambda: None):
    start = time.perf_counter()
    for p in paths:
        op(p)
    then()
    return len(paths) / (time.perf_counter() - start)


def sync_dirs(dirs):
    for d in dirs:
        fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def create(path):
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))


SMALL_FILE = os.urandom(4096)


def create_small(path):
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    os.write(fd, SMALL_FILE)
    os.close(fd)


def run(root, dirs, per_dir):
    for d in dirs:
        os.mkdir(d)
    paths = [os.path.join(d, "f%06d" % i) for d in dirs for i in range(per_dir)]
    rates = {"create": phase(paths, create), "stat": phase(paths, os.stat),
             "remove": phase(paths, os.unlink, lambda: sync_dirs(dirs))}
    rates["create 4k file"] = phase(paths, create_small)
    for p in paths:
        os.unlink(p)
    for d in dirs:
        os.rmdir(d)
    return rates


def main():
    base = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    per_dir = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    root = os.path.join(base, "meta-%d" % os.getpid())
    os.mkdir(root)
    try:
        one = run(root, [os.path.join(root, "one")], n)
        many = run(root, [os.path.join(root, "d%04d" % i) for i in range(max(1, n // per_dir))], per_dir)
    finally:
        os.rmdir(root)
    result = {}
    for name, rates in (("one dir", one), ("many dirs", many)):
        for op, rate in rates.items():
            result["%s %s/s" % (op, name)] = round(rate, 1)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
