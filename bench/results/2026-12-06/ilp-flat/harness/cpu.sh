#!/bin/bash
# Thread CPU time per sample (Prof5 from ../2026-11-26/jmh-serde-5-harness), before/after
# alternating, load (1-min) printed before each run. Output: pair, jar, load, result.
cd /tmp/ilpflat/h
for i in 1 2 3; do
  for m in "10000 8" "0 8" "200000 1"; do
    for j in before after; do
      echo "$i $j $(uptime | sed 's/.*load average: //' | cut -d, -f1) $(java -cp .:/tmp/ilp-$j.jar Prof5 $m 10)"
    done
  done
done
