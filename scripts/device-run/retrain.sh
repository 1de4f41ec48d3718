#!/usr/bin/env bash
# On a many-core machine without the npm registry: bench:shrink's missing retrainings (`--retrain-only`) of the
# architectures kept in $DIR/work, in JOBS worker processes (default: one per core), on the Fashion-MNIST subset
# bundled in $DIR/fashion-mnist, for at most LIMIT_S seconds (default 500); then the work folder, each retraining
# beside its architecture, is packed into $OUT/work.tgz (the device tool does not bring back deep folders).
# ARGS: bench:shrink's options (the retraining ones must match the run that made the architectures).
set -u
DIR=$(cd "$(dirname "$0")" && pwd)
xz -dc "$DIR/node.xz" > "$DIR/node" && chmod +x "$DIR/node"
if [ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  mkdir -p /usr/share/datasets/fashion-mnist && cp "$DIR"/fashion-mnist/*.gz /usr/share/datasets/fashion-mnist/
fi
run=$(mktemp -d)
cp -r "$DIR/work" "$run/work"
cd "$DIR"
{
  nproc; grep -m1 'model name' /proc/cpuinfo
  # shellcheck disable=SC2086
  timeout "${LIMIT_S:-500}" ./node shrink.mjs --retrain-only --work "$run/work" --jobs "${JOBS:-$(nproc)}" ${ARGS:-}
  echo "exit $?"
} 2>&1 | tee "$run/retrain.txt"
tar czf "$OUT/work.tgz" -C "$run" work retrain.txt
echo "retrainings written: $(find "$run/work" -name 'retrained-*.json' | wc -l)"
