#!/usr/bin/env bash
# On the GPU machine: `morphlat predict --measure` of zoo models at the structures in $DIR/structures/<model>/<name>.json,
# each against that model's profile of this device (device-profiles/$PROFILE_PREFIX-<model>.json, default
# nvidia-h200-16c-webgpu), each in a fresh process, in PASSES passes (default 2) taking turns, so every latency comes
# with the profile's calibration networks timed beside it (the device's speed then).
set -u
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/setup.sh"
cd "$DIR"
exec > >(tee "$OUT/measure-structures.txt") 2>&1
for pass in $(seq 1 "${PASSES:-2}"); do
  for dir in structures/*/; do
    model=$(basename "$dir")
    profile="$DIR/../device-profiles/${PROFILE_PREFIX:-nvidia-h200-16c-webgpu}-$model.json"
    for s in "$dir"*.json; do
      echo "== pass $pass $model $(basename "$s" .json)"
      timeout 40 ./node cli.mjs predict --profile "$profile" --model "$model" --structure "$s" --measure 2>&1 | grep -E '^(predicted|measured|speed)'
    done
  done
done
