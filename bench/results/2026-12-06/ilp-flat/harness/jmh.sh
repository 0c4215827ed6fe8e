#!/bin/bash
# JMH before/after alternating: 3 pairs of series10k, then one pair each of repeating and unique.
h=$(dirname $(readlink -f $0))
for i in 1 2 3; do
  for j in before after; do $h/run.sh /tmp/ilp-$j.jar $j-$i-series10k -p cardinality=series10k; done
done
for c in repeating unique; do
  for j in before after; do $h/run.sh /tmp/ilp-$j.jar $j-1-$c -p cardinality=$c; done
done
