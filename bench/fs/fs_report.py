#!/usr/bin/env python3
"""The table of bench/fs/fs_side_by_side.sh: one row per measure, one column per target,
then CurveFS's ratio to the local directory and to s3fs (and s3fs's to local), and the
write-back mount's to s3fs and to the mount without a cache, and the metadata write-back
mount's to s3fs and to the write-back mount, and the delayed-upload mount's to s3fs and to
the metadata write-back mount, where both ran. Higher is
better everywhere (MiB/s, IOPS, operations/s); "-" where a target has no such measure.

Usage: fs_report.py RESULTS_DIR TARGET...   (reads RESULTS_DIR/TARGET.json)
"""
import json
import os
import sys


def main():
    results, targets = sys.argv[1], sys.argv[2:]
    data = {t: json.load(open(os.path.join(results, t + ".json"))) for t in targets}
    pairs = (("curvefs", "local"), ("curvefs", "s3fs"), ("s3fs", "local"), ("curvefs-wb", "s3fs"),
             ("curvefs-wb", "curvefs"), ("curvefs-mwb", "s3fs"), ("curvefs-mwb", "curvefs-wb"),
             ("curvefs-delay", "s3fs"), ("curvefs-delay", "curvefs-mwb"))
    ratios = [(a, b) for a, b in pairs if a in data and b in data]
    header = ["measure"] + targets + ["%s/%s" % r for r in ratios]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    measures = []
    for t in targets:
        measures += [m for m in data[t] if m not in measures]
    for measure in measures:
        row = [measure] + ["%.1f" % data[t][measure] if measure in data[t] else "-" for t in targets]
        for a, b in ratios:
            row.append("%.3g" % (data[a][measure] / data[b][measure])
                       if data[b].get(measure) and measure in data[a] else "-")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
