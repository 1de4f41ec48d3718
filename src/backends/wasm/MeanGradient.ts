/**
 * The gradient of Mean on wasm: dy / n spread over the reduced axes, as one per-output division and
 * one Tile (morphlat's fast one), where tfjs' gradient multiplies dy by a full-size tensor of ones and
 * then divides the full-size product. BatchNormalization in training takes two means per layer (the
 * batch mean and variance), so this runs twice per BatchNorm in every training step. The values are
 * identical (dy·1 = dy); other backends keep tfjs' own gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { MeanAttrs } from '@tensorflow/tfjs-core';
import type { WasmGradient } from './gradient.js';

/** Mean's gradient on wasm for float32 dy. */
export const meanGradient: WasmGradient = (dy, saved, attrs) => {
  const [x] = saved;
  if (x === undefined || dy.dtype !== 'float32') return undefined;
  const { axis } = attrs as unknown as MeanAttrs;
  const axes = util.parseAxisParam(axis, x.shape);
  const [, reduceShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const count = util.sizeFromShape(reduceShape);
  const expandedShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy, expandedShape), count), x.shape) };
};
