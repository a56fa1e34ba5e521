"""Where the CPU samples of one service went, from async-profiler's collapsed stacks.

Usage: stack_share.py FILE.collapsed (lines "frame;frame;...;leaf count"). Prints the
sample count, the share of samples whose stack passes through each library (a sample
counts for every library on its stack, so shares add up to more than 100 %), and the
hottest leaf frames (self time).
"""
import collections
import sys

LIBRARIES = [
    ("curve4j", "io/curve4j/"),
    ("jraft", "com/alipay/sofa/jraft/"),
    ("rocksdb", "org/rocksdb/"),
    ("grpc", "io/grpc/"),
    ("netty", "io/netty/"),
    ("protobuf", "com/google/protobuf/"),
    ("micrometer", "io/micrometer/"),
    ("resilience4j", "io/github/resilience4j/"),
    ("disruptor", "com/lmax/disruptor/"),
    ("logging", "ch/qos/logback/"),
    ("GC", "GCTaskThread"),
    ("JIT compiler", "CompileBroker"),
    ("fsync", "fsync"),
    ("futex (thread hand-off)", "futex"),
    ("epoll", "epoll"),
]

total = 0
hits = collections.Counter()
leaves = collections.Counter()
with open(sys.argv[1]) as f:
    for line in f:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        for name, marker in LIBRARIES:
            if marker in stack:
                hits[name] += n
        leaves[stack.rsplit(";", 1)[-1]] += n

print(f"samples: {total}")
for name, _ in LIBRARIES:
    if total and hits[name]:
        print(f"  {name:<24} {100.0 * hits[name] / total:5.1f} %")
print("hottest frames (self):")
for frame, n in leaves.most_common(12):
    print(f"  {100.0 * n / total:5.1f} %  {frame[:150]}")
