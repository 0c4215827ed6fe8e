#!/usr/bin/env python3
"""Top frames of the samples inside LineProtocolParser of a `jfr print --events
jdk.ExecutionSample` dump. usage: jfrtop.py <dump.txt>..."""
import collections, re, sys

for path in sys.argv[1:]:
    top, lines, n = collections.Counter(), collections.Counter(), 0
    for e in open(path).read().split("jdk.ExecutionSample"):
        fr = re.findall(r"^\s+([\w\.$<>]+)\(.*?\)\s+line: (\d+)", e, re.M)
        if not fr or not any("LineProtocolParser" in f[0] for f in fr):
            continue
        n += 1
        top[fr[0][0]] += 1
        lines[fr[0][0] + ":" + fr[0][1]] += 1
    cache = sum(v for k, v in top.items() if "SeriesIdCache" in k)
    print("== %s: %d samples in parsing; SeriesIdCache self %d (%.1f%%)" % (path, n, cache, 100 * cache / n))
    for k, v in top.most_common(10):
        print("%5d %5.1f%% %s" % (v, 100 * v / n, k))
