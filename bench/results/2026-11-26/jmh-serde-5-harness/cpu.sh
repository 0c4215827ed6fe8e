#!/bin/bash
# Thread CPU time per sample (Prof5), before/after alternating; waits for JMH's lock to be free-ish (no benchmarks.jar running)
cd /tmp/ilp4/h
for i in 1 2 3; do
  for m in "400 8" "10000 8" "200000 1"; do
    for j in before after; do
      echo "$i $j $(uptime | sed 's/.*load average: //' | cut -d, -f1) $(java -cp .:/tmp/ilp4/$j.jar Prof5 $m 10)"
    done
  done
done
