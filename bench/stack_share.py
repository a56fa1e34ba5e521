"""Share of JFR execution samples whose stack passes through each library.

Reads `jfr print --events jdk.ExecutionSample` from stdin. A sample counts once for every
library any of its frames belongs to, so the shares add up to more than 100 %: they say
how much of the CPU a library's code (and what it calls) took, not exclusive time.
"""
import collections
import sys

LIBRARIES = [
    ("curve4j", "io.curve4j."),
    ("jraft", "com.alipay.sofa.jraft."),
    ("rocksdb", "org.rocksdb."),
    ("grpc", "io.grpc."),
    ("netty", "io.netty."),
    ("protobuf", "com.google.protobuf."),
    ("micrometer", "io.micrometer."),
    ("resilience4j", "io.github.resilience4j."),
    ("disruptor", "com.lmax.disruptor."),
    ("logging", "ch.qos.logback."),
    ("file I/O", "sun.nio.ch.FileChannelImpl."),
]

samples = 0
hits = collections.Counter()
stack = []


def count(frames):
    global samples
    if not frames:
        return
    samples += 1
    text = "\n".join(frames)
    for name, prefix in LIBRARIES:
        if prefix in text:
            hits[name] += 1


for line in sys.stdin:
    stripped = line.strip()
    if stripped.startswith("jdk.ExecutionSample"):
        count(stack)
        stack = []
    elif stripped and not stripped.startswith(("startTime", "sampledThread", "state", "stackTrace", "]", "}", "...")):
        stack.append(stripped)
count(stack)

print(f"execution samples: {samples}")
for name, _ in LIBRARIES:
    if samples and hits[name]:
        print(f"  {name:<13} {100.0 * hits[name] / samples:5.1f} %")
