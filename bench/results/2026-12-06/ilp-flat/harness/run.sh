#!/bin/bash
# usage: run.sh <jar> <name> [extra jmh args]; waits for JMH's lock, records load before/after
jar=$1; name=$2; shift 2
cd /tmp/ilpflat
while true; do
  uptime > $name.load
  java -jar $jar LineProtocolParseBenchmark -prof gc -f 1 -wi 3 -i 5 -rf json -rff $name.json "$@" > $name.txt 2>&1
  if grep -q "Unable to acquire the JMH lock" $name.txt; then sleep 15; continue; fi
  uptime >> $name.load; break
done
