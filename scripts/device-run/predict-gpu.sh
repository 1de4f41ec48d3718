#!/usr/bin/env bash
# On the GPU machine: a generic webgpu profile, `predict --measure` of every zoo model with it, then bench:predict
# (model-specific profiles and random-width variants) for two models. Results go to $OUT.
# Env: PROFILE_S (generic profile budget, default 100), TOTAL_S (seconds for everything after setup, default 420).
set -u
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/setup.sh"
cd "$DIR"
exec > >(tee "$OUT/log.txt") 2>&1
date; nvidia-smi -L; nproc; ./node --version
start=$(date +%s)
timeout 150 ./node cli.mjs profile --backend webgpu --budget-s "${PROFILE_S:-100}" --out "$OUT/generic.json" || { echo "profile failed: $?"; exit 3; }
for m in resnet-mini mobilenet-mini plain-cnn inception-mini; do
  timeout 40 ./node cli.mjs predict --profile "$OUT/generic.json" --model $m --measure --json > "p-$m.json" || echo "predict $m failed: $?"
  (echo "=== $m"; cat "p-$m.json") >> "$OUT/predict-all.txt"
done
left=$(( ${TOTAL_S:-420} - ($(date +%s) - start) ))
echo "bench:predict gets $left s"
[ "$left" -gt 60 ] && timeout $left ./node predict.mjs --backends webgpu --generic-profile "$OUT/generic.json" --models resnet-mini,mobilenet-mini --variants 8 --budget-s 40 --save-profiles
echo "bench:predict exit $?"
tar -czf "$OUT/extras.tgz" BENCHMARKS.md benchmarks device-profiles
