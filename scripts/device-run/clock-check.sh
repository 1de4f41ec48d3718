#!/usr/bin/env bash
# On the GPU machine: the same predictions measured in fresh processes, and with a new 30 s profile, while the
# GPU's clocks are sampled every 0.5 s (to tell the GPU's clock states from the host's noise). Needs $OUT/generic.json
# or GENERIC=FILE.
set -u
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/setup.sh"
cd "$DIR"
generic=${GENERIC:-generic.json}
exec > >(tee "$OUT/clock-check.txt") 2>&1
measure() { timeout 40 ./node cli.mjs predict --profile "$1" --model "$2" --measure 2>&1 | grep -E '^(predicted|measured|speed)'; }
(while true; do nvidia-smi --query-gpu=clocks.sm,clocks.mem,pstate,utilization.gpu --format=csv,noheader >> "$OUT/clocks.txt"; sleep 0.5; done) &
for i in 1 2; do echo "== resnet-mini, fresh process $i"; measure "$generic" resnet-mini; done
echo "== plain-cnn"; measure "$generic" plain-cnn
echo "== a new 30 s profile"; timeout 60 ./node cli.mjs profile --backend webgpu --budget-s 30 --out "$OUT/p30.json" 2>&1 | tail -4
for m in resnet-mini plain-cnn; do echo "== $m with the new profile"; measure "$OUT/p30.json" $m; done
kill %1
