#!/bin/bash
# Two more JMH series10k pairs (the first three were within the noise), then three more Prof5
# pairs of the unique series (pair 3 of cpu.sh had an outlier).
h=$(dirname $(readlink -f $0))
for i in 4 5; do
  for j in before after; do $h/run.sh /tmp/ilp-$j.jar $j-$i-series10k -p cardinality=series10k; done
done
cd /tmp/ilpflat/h
for i in 4 5 6; do
  for j in before after; do
    echo "$i $j $(uptime | sed 's/.*load average: //' | cut -d, -f1) $(java -cp .:/tmp/ilp-$j.jar Prof5 200000 1 10)" >> /tmp/ilpflat/cputime-unique-more.txt
  done
done
