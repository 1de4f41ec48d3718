#!/usr/bin/env bash
# On the GPU machine: `morphlat predict --measure` of every model in $DIR/models/<name>/model.json against a
# profile (PROFILE, default $DIR/generic.json), each in a fresh process, in PASSES passes (default 2), so
# every latency comes with the profile's calibration networks timed beside it (the device's speed then).
set -u
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/setup.sh"
cd "$DIR"
exec > >(tee "$OUT/measure.txt") 2>&1
for pass in $(seq 1 "${PASSES:-2}"); do
  for m in models/*/; do
    m=$(basename "$m")
    echo "== pass $pass $m"
    timeout 40 ./node cli.mjs predict --profile "${PROFILE:-generic.json}" --model "models/$m/model.json" --measure 2>&1 | grep -E '^(predicted|measured|speed)'
  done
done
