/**
 * BatchNormalization in training on wasm as one kernel and one gradient.
 *
 * A tfjs-layers BatchNormalization layer in training takes its batch statistics with `tf.moments`
 * (Mean, Cast, Sub, Square, Mean), normalizes with FusedBatchNorm, and its gradient then runs the
 * gradients of each of those: about 35 kernel calls per layer and step, most of them full-size passes
 * over the activation, where the work is two passes forward (the mean and variance together, then the
 * normalization) and two backward (two per-channel sums, then dx). Here `MorphlatBatchNormTraining`
 * computes [y, mean, variance] with morphlat's SIMD loops (./simd.ts) in those two passes (the
 * statistics as sums of x − k and (x − k)², k a sample mean, see `sampleMean` there) and its gradient
 * dx, dScale and dOffset the same way, through the batch statistics as tfjs' composition does (equal up
 * to float rounding).
 *
 * While a training step runs on wasm (`duringWasmTraining`), BatchNormalization layers whose axis is
 * the last (channels last, every zoo model) take this path in training calls, and update their moving
 * mean and variance as tfjs-layers does; every other call (inference, another axis, another dtype, the
 * SIMD loops off) runs the layer's own code. The kernel's mean and variance outputs carry no gradient
 * (the layer uses them only for its moving averages). Where the step's model feeds the layer into a
 * ReLU or ReLU6 layer and nothing else (./fused-activations.ts), the kernel applies that activation
 * too, and its gradient masks dy by the normalized values it recomputes from x.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelError } from '../../errors.js';
import { requireInput } from './compose.js';
import { fusedActivationOf, markActivated } from './fused-activations.js';
import { onlyInput } from './layer-call.js';
import type { LayerCall, TrainingLayerCall } from './layer-call.js';
import { wasmSimdKernels } from './simd.js';
import type { BatchNormActivation } from './simd.js';

/** The kernel's name in tfjs' registry. */
export const BatchNormTraining = 'MorphlatBatchNormTraining';

interface BatchNormTrainingAttrs {
  readonly varianceEpsilon: number;
  /** The activation applied after normalizing (absent: none). */
  readonly activation?: BatchNormActivation;
}

const batchNormTrainingKernel: KernelFunc = ({ inputs, backend, attrs }): TensorInfo[] => {
  const { varianceEpsilon, activation = 'linear' } = attrs as unknown as BatchNormTrainingAttrs;
  const x = requireInput(BatchNormTraining, inputs, 'x');
  const out = wasmSimdKernels(backend)?.batchNormTraining(x, inputs['scale'], inputs['offset'], varianceEpsilon, activation);
  if (out === undefined) {
    throw new KernelError(`${BatchNormTraining}: needs morphlat's SIMD loops on the wasm backend, float32 tensors and one scale and offset per channel`);
  }
  return [out.y, out.mean, out.variance];
};

/** MorphlatBatchNormTraining for the 'wasm' backend: inputs x, scale, offset; outputs y, mean, variance. */
export const batchNormTrainingConfig: KernelConfig = {
  kernelName: BatchNormTraining,
  backendName: 'wasm',
  kernelFunc: batchNormTrainingKernel,
};

const GRADIENT = 'MorphlatBatchNormTrainingGrad';

const batchNormTrainingGradKernel: KernelFunc = ({ inputs, backend, attrs }): TensorInfo[] => {
  const { varianceEpsilon, activation = 'linear' } = attrs as unknown as BatchNormTrainingAttrs;
  const [dy, x, mean, variance] = (['dy', 'x', 'mean', 'variance'] as const).map((name) => requireInput(GRADIENT, inputs, name)) as [
    TensorInfo,
    TensorInfo,
    TensorInfo,
    TensorInfo,
  ];
  const out = wasmSimdKernels(backend)?.batchNormTrainingGradient(dy, x, mean, variance, inputs['scale'], inputs['offset'], varianceEpsilon, activation);
  if (out === undefined) throw new KernelError(`${GRADIENT}: needs morphlat's SIMD loops on the wasm backend and float32 tensors`);
  return [out.dx, out.dScale, out.dOffset];
};

/** The gradient's kernel: inputs dy, x, mean, variance, scale, offset; outputs dx, dScale, dOffset. */
export const batchNormTrainingGradConfig: KernelConfig = {
  kernelName: GRADIENT,
  backendName: 'wasm',
  kernelFunc: batchNormTrainingGradKernel,
};

/** The kernel's gradient: x, scale and offset from the gradient of y (those of mean and variance are not used). */
export const batchNormTrainingGradient: GradConfig = {
  kernelName: BatchNormTraining,
  inputsToSave: ['x', 'scale', 'offset'],
  outputsToSave: [false, true, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const [dy] = dys as tf.Tensor[];
    const [x, scale, offset, mean, variance] = saved;
    const [dx, dScale, dOffset] = tf.engine().runKernel(GRADIENT, { dy: dy!, x: x!, mean: mean!, variance: variance!, scale: scale!, offset: offset! }, attrs) as tf.Tensor[];
    return { x: () => dx!, scale: () => dScale!, offset: () => dOffset! };
  },
};

/** The parts of a tfjs-layers BatchNormalization layer this module reads. */
interface BatchNormLayer {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly gamma: { read(): tf.Tensor } | null;
  readonly beta: { read(): tf.Tensor } | null;
  readonly movingMean: { read(): tf.Tensor; write(value: tf.Tensor): void };
  readonly movingVariance: { read(): tf.Tensor; write(value: tf.Tensor): void };
}

/**
 * tfjs-layers' moving average, variable ← variable − (variable − value)·(1 − momentum), over a
 * per-channel vector in JavaScript: float32 operations rounded one at a time (Math.fround, and the
 * Float32Array the result is stored in), as tfjs' Sub and Multiply round them, so the result is the
 * same; three kernel calls less per statistic.
 */
function movingAverage(variable: BatchNormLayer['movingMean'], value: tf.Tensor, momentum: number): void {
  const current = variable.read();
  const from = current.dataSync();
  const by = value.dataSync();
  const rate = Math.fround(1 - momentum);
  const next = new Float32Array(from.length);
  for (let k = 0; k < next.length; k++) next[k] = from[k]! - Math.fround(Math.fround(from[k]! - by[k]!) * rate);
  variable.write(tf.tensor(next, current.shape, 'float32'));
}

/** BatchNormalization's call in a training step: training calls over the last axis by the fused kernel (see the header). */
export const batchNormTrainingCall: TrainingLayerCall = (own: LayerCall): LayerCall =>
  function (this: BatchNormLayer, inputs, kwargs) {
    const input = onlyInput(inputs);
    const training = kwargs['training'] === true;
    if (!training || input === undefined || input.dtype !== 'float32' || input.rank < 2) return own.call(this, inputs, kwargs);
    const axis = this.axis < 0 ? this.axis + input.rank : this.axis;
    if (axis !== input.rank - 1 || tf.getBackend() !== 'wasm' || wasmSimdKernels(tf.backend()) === undefined) return own.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const channels = input.shape[axis] ?? 0;
      const scale = this.gamma?.read() ?? tf.ones([channels]);
      const offset = this.beta?.read() ?? tf.zeros([channels]);
      const fused = fusedActivationOf(this);
      const attrs = { varianceEpsilon: this.epsilon, activation: fused?.activation ?? 'linear' };
      const [y, mean, variance] = tf.engine().runKernel(BatchNormTraining, { x: input, scale, offset }, attrs) as tf.Tensor[];
      movingAverage(this.movingMean, mean!, this.momentum);
      movingAverage(this.movingVariance, variance!, this.momentum);
      if (fused !== undefined) markActivated(fused.consumer, y!);
      return y!;
    });
  };
