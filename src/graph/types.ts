/**
 * The op graph: a tfjs-layers model seen as one op per layer, each knowing its shapes, channels and
 * convolution geometry. Everything downstream (costs, profilers, grouping) reads models through it.
 */

/** A tensor shape without the batch dimension: [H, W, C] for feature maps, [F] for vectors. */
export type Shape = readonly number[];

/** What an op does, independent of the tfjs class that spelled it. */
export type OpKind =
  | 'input'
  | 'conv2d'
  | 'depthwise'
  | 'separable'
  | 'dense'
  | 'batchnorm'
  | 'activation'
  | 'add'
  | 'concat'
  | 'pool'
  | 'global-pool'
  | 'flatten'
  | 'dropout'
  | 'zeropad'
  | 'reshape';

/** How a convolution or pooling pads its input. */
export type Padding = 'same' | 'valid';

/** One op: a layer of the model. Fields that do not apply to a kind hold neutral values (kernel 1x1). */
export interface OpNode {
  /** The tfjs-layers layer name. */
  readonly name: string;
  /** The tfjs-layers class name, e.g. `Conv2D`. */
  readonly className: string;
  readonly kind: OpKind;
  /** Names of the ops whose outputs feed this one, in input order. */
  readonly inputs: readonly string[];
  /** One shape per input. */
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
  /** Channels (last dimension) of the first input; for `concat` the sum over inputs. */
  readonly inChannels: number;
  /** Channels (last dimension) of the output. */
  readonly outChannels: number;
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly padding: Padding;
  /** Output channels per input channel of a depthwise (or separable) convolution; 1 elsewhere. */
  readonly depthMultiplier: number;
  readonly useBias: boolean;
  /** The activation fused into the layer (`linear` when none), or the activation op's own function. */
  readonly activation: string;
  /** True when the op owns its output channels (conv, separable, dense): alive counts are set here. */
  readonly ownsChannels: boolean;
}

/** A model as ops in topological order. */
export interface OpGraph {
  readonly ops: readonly OpNode[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** The parts of a layer's configuration an op reader turns into an OpNode. */
export interface LayerView {
  readonly name: string;
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputs: readonly string[];
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
}

/** Reads one tfjs layer class into an op. One file per layer kind implements it. */
export interface LayerReader {
  readonly classNames: readonly string[];
  read(layer: LayerView): OpNode;
}
