#!/bin/bash
# Prof6: thread CPU time of parsing only, with 256 or 2048 KiB of other memory read after each record
# (so the cache's entries are cold, as end to end), before/after alternating.
# Output: pair, jar, load, result.
cd /tmp/ilpflat/h
for kib in 256 2048; do for i in 1 2 3; do
  for j in before after; do
    echo "$i $j $(uptime | sed 's/.*load average: //' | cut -d, -f1) $(java -cp .:/tmp/ilp-$j.jar Prof6 10000 8 10 $kib)"
  done
done; done
