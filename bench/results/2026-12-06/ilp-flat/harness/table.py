#!/usr/bin/env python3
"""Prints one row per JMH run: load before, tsagg and stringSplit scores (M samples/s, with
JMH's error), tsagg/stringSplit, tsagg's gc.alloc.rate.norm. usage: table.py <dir>"""
import glob, json, os, sys

d = sys.argv[1] if len(sys.argv) > 1 else "."
for f in sorted(glob.glob(os.path.join(d, "*.json")), key=lambda f: (os.path.basename(f).split("-")[2], os.path.basename(f).split("-")[1], os.path.basename(f).split("-")[0] != "before")):
    name = os.path.basename(f)[:-5]
    load = open(os.path.join(d, name + ".load")).readline().split("load average:")[1].split(",")[0].strip()
    rows = {r["benchmark"].split(".")[-1]: r for r in json.load(open(f))}
    t, s = rows["tsagg"], rows["stringSplit"]
    norm = t["secondaryMetrics"]["gc.alloc.rate.norm"]["score"]
    print("| %s | %s | %.2f ± %.2f | %.2f ± %.2f | %.1fx | %.4f |" % (
        name, load,
        t["primaryMetric"]["score"] / 1e6, t["primaryMetric"]["scoreError"] / 1e6,
        s["primaryMetric"]["score"] / 1e6, s["primaryMetric"]["scoreError"] / 1e6,
        t["primaryMetric"]["score"] / s["primaryMetric"]["score"], norm))
