#!/usr/bin/env bash
# Packs morphlat for a machine that has a GPU but no npm registry (the device machines lent to some sessions):
# the CLI and bench:predict bundled into single files, Dawn's Node binding, this machine's node binary (xz),
# the Vulkan loader and GLVND libraries NVIDIA's Vulkan driver needs, and the scripts that run there; and
# bench:shrink bundled with the wasm backend (its .wasm files beside it) and a Fashion-MNIST subset, for its
# retrainings on that machine's cores (retrain.sh; drop predict.mjs and webgpu when carrying only those).
# Usage: scripts/device-run/bundle.sh [OUT_DIR]   (default .device-run; then run `bash .device-run/predict-gpu.sh`
# there, from the repository root, carrying .device-run)
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/device-run
out=${1:-.device-run}
rm -rf "$out" && mkdir -p "$out/node_modules/webgpu/dist" "$out/debs"
npx tsc -p tsconfig.json
stub=./$here/absent.cjs
external=(--external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu --external:@tensorflow/tfjs-backend-wasm)
for pkg in sharp @resvg/resvg-js playwright-core vega vega-lite qrcode selfsigned esbuild; do external+=("--alias:$pkg=$stub"); done
bundle() {
  npx esbuild "$1" --bundle --platform=node --format=esm --target=node20 --outfile="$2" "${external[@]}" --log-level=error \
    --banner:js="import { createRequire as __morphlatRequire } from 'module'; const require = __morphlatRequire(import.meta.url);"
}
bundle $here/cli-entry.mjs "$out/cli.mjs"
bundle dist/benchmarks/predict.js "$out/predict.mjs"
# bench:shrink with the wasm backend inside: emscripten finds its .wasm files from __dirname, which an ES module lacks.
withWasm=()
for e in "${external[@]}"; do [ "$e" = --external:@tensorflow/tfjs-backend-wasm ] || withWasm+=("$e"); done
npx esbuild dist/benchmarks/shrink.js --bundle --platform=node --format=esm --target=node20 --outfile="$out/shrink.mjs" \
  "${withWasm[@]}" --log-level=error \
  --banner:js="import { createRequire as __morphlatRequire } from 'module'; import { fileURLToPath as __morphlatPath } from 'url'; const require = __morphlatRequire(import.meta.url); const __filename = __morphlatPath(import.meta.url); const __dirname = __morphlatPath(new URL('.', import.meta.url));"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$out/"
node $here/fashion-subset.mjs "$out/fashion-mnist" "${TRAIN_LIMIT:-12000}"
cp node_modules/webgpu/{index.js,package.json} "$out/node_modules/webgpu/"
cp -r node_modules/webgpu/dist/linux-x64 "$out/node_modules/webgpu/dist/"
echo '{ "name": "morphlat-device-run", "type": "module", "private": true }' > "$out/package.json"
xz -T2 -6 -c "$(command -v node)" > "$out/node.xz"
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/morphlat-amd64-lists)
mkdir -p /tmp/morphlat-amd64-lists/partial
apt-get "${o[@]}" update -qq
(cd "$out/debs" && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 2>/dev/null)
cp $here/setup.sh $here/predict-gpu.sh $here/clock-check.sh $here/measure-models.sh $here/measure-structures.sh $here/retrain.sh "$out/"
du -sh "$out"
