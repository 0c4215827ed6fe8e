#!/bin/bash
# Memory benchmark: after, before, after (jars at /tmp/kern-{after,before}.jar). Another
# engineer's JMH held /tmp/jmh.lock, hence -Djmh.ignoreLock=true.
cd "$(dirname "$0")"
for x in after-1 before-1 after-2; do
    side=${x%-*}
    (date; uptime) > jmh-memory-$x.load
    java -Djmh.ignoreLock=true -jar /tmp/kern-$side.jar StatsKernelsMemoryBenchmark -prof gc -f 1 -wi 3 -i 5 \
        -rf json -rff jmh-memory-$x.json > jmh-memory-$x.txt 2>&1
    (date; uptime) >> jmh-memory-$x.load
done
