import * as tf from '@tensorflow/tfjs-core';
const dir = process.argv[2];
const { initBackend } = await import(dir + '/dist/src/backends/index.js');
await initBackend('wasm');
const time = (f) => { for (let i = 0; i < 5; i++) f().dispose(); const ts = []; for (let r = 0; r < 15; r++) { const t0 = performance.now(); const t = f(); t.dataSync(); ts.push(performance.now() - t0); t.dispose(); } ts.sort((p, q) => p - q); return ts[7]; };
const out = [];
for (const [n, h, cin, cout, k, s] of [[32, 28, 1, 16, 3, 1], [32, 28, 16, 16, 3, 1], [32, 14, 32, 32, 3, 1], [32, 28, 16, 32, 3, 2], [32, 7, 64, 64, 3, 1], [32, 14, 32, 64, 3, 2], [32, 28, 16, 32, 1, 2], [32, 28, 16, 48, 1, 1], [32, 14, 72, 24, 1, 1], [32, 14, 24, 72, 1, 1], [32, 7, 40, 128, 1, 1], [32, 14, 13, 21, 3, 1], [32, 14, 16, 8, 5, 1]]) {
  const x = tf.randomNormal([n, h, h, cin], 0, 1, 'float32', 1);
  const oh = Math.ceil(h / s);
  const dy = tf.randomNormal([n, oh, oh, cout], 0, 1, 'float32', 2);
  const f = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [s, s], pad: 'same', dataFormat: 'NHWC', filterShape: [k, k, cin, cout] });
  const r = f(); const sum = tf.sum(tf.abs(r)).dataSync()[0]; r.dispose();
  const t = time(f);
  const gf = 2 * n * oh * oh * k * k * cin * cout / 1e6;
  out.push(`${[n, h, cin, cout, k, s].join('x')} ${t.toFixed(2)} ms ${(gf / t).toFixed(1)} GFLOP/s |sum| ${sum.toFixed(1)}`);
}
console.log(dir + '\n' + out.join('\n'));
