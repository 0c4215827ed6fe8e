#!/bin/bash
# run.sh <jar-tag> <keys> <sliding> <batches>
tag=$1; shift
java --add-modules=jdk.incubator.vector -Xmx6g -XX:+UseParallelGC -cp /tmp/ops3/cpuop/$tag:/tmp/ops3/$tag.jar io.tsagg.bench.window.CpuOp "$@" 2>&1 | grep -v WARNING | sed "s/^/$tag /"
