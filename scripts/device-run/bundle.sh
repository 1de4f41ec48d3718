#!/usr/bin/env bash
# Packs morphlat for a lent device machine, which has no npm registry, in one of two kinds (each within the device
# tool's 64 MiB carry):
# - gpu (default): the CLI and bench:predict bundled into single files, Dawn's Node binding, the Vulkan loader and
#   GLVND libraries NVIDIA's Vulkan driver needs, and the GPU scripts (predict-gpu.sh, measure-*.sh, clock-check.sh);
# - retrain: bench:shrink bundled with the wasm backend (its .wasm files beside it) and a Fashion-MNIST subset (the
#   first TRAIN_LIMIT training images, default 12000, and the test set), for bench:shrink's retrainings on that
#   machine's cores (retrain.sh).
# Both carry this machine's node binary (xz).
# Usage: scripts/device-run/bundle.sh [OUT_DIR] [gpu|retrain]   (default .device-run gpu; then run the scripts there
# from the repository root, e.g. `bash .device-run/predict-gpu.sh`, carrying OUT_DIR)
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/device-run
out=${1:-.device-run}
kind=${2:-gpu}
case "$kind" in gpu|retrain) ;; *) echo "bundle.sh: unknown kind '$kind' (gpu or retrain)" >&2; exit 2 ;; esac
rm -rf "$out" && mkdir -p "$out"
npx tsc -p tsconfig.json
stub=./$here/absent.cjs
external=(--external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu)
for pkg in sharp @resvg/resvg-js playwright-core vega vega-lite qrcode selfsigned esbuild; do external+=("--alias:$pkg=$stub"); done
require_banner="import { createRequire as __morphlatRequire } from 'module'; const require = __morphlatRequire(import.meta.url);"
bundle() {
  npx esbuild "$1" --bundle --platform=node --format=esm --target=node20 --outfile="$2" "${external[@]}" --log-level=error "${@:3}"
}
if [ "$kind" = gpu ]; then
  mkdir -p "$out/node_modules/webgpu/dist" "$out/debs"
  bundle $here/cli-entry.mjs "$out/cli.mjs" --external:@tensorflow/tfjs-backend-wasm --banner:js="$require_banner"
  bundle dist/benchmarks/predict.js "$out/predict.mjs" --external:@tensorflow/tfjs-backend-wasm --banner:js="$require_banner"
  cp node_modules/webgpu/{index.js,package.json} "$out/node_modules/webgpu/"
  cp -r node_modules/webgpu/dist/linux-x64 "$out/node_modules/webgpu/dist/"
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/morphlat-amd64-lists)
  mkdir -p /tmp/morphlat-amd64-lists/partial
  apt-get "${o[@]}" update -qq
  (cd "$out/debs" && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 2>/dev/null)
  cp $here/setup.sh $here/predict-gpu.sh $here/clock-check.sh $here/measure-models.sh $here/measure-structures.sh "$out/"
else
  # The wasm backend inside the bundle: emscripten finds its .wasm files from __dirname, which an ES module lacks.
  bundle dist/benchmarks/shrink.js "$out/shrink.mjs" \
    --banner:js="$require_banner import { fileURLToPath as __morphlatPath } from 'url'; const __filename = __morphlatPath(import.meta.url); const __dirname = __morphlatPath(new URL('.', import.meta.url));"
  cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$out/"
  node scripts/make-fashion-subset.mjs --out "$out/fashion-mnist" --train "${TRAIN_LIMIT:-12000}" --test 10000 > /dev/null
  cp $here/retrain.sh "$out/"
fi
echo '{ "name": "morphlat-device-run", "type": "module", "private": true }' > "$out/package.json"
xz -T2 -6 -c "$(command -v node)" > "$out/node.xz"
du -sh "$out"
