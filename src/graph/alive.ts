/**
 * Alive channel counts through the graph. A structure (morph-net's alive-count format) sets the counts
 * of the layers that own output channels; the counts flow through BN, activations, pooling, Add and
 * Concatenate to every layer downstream; and which ops the model a structure builds still runs.
 */
import { StructureError } from '../errors.js';
import type { OpGraph, OpNode } from './types.js';

/** morph-net's learned-structure format: `{ "<layer name>": aliveCount }` for channel-owning layers. */
export type Structure = Readonly<Record<string, number>>;

/** Alive channels at an op: one count per input, and the count of its output. */
export interface OpAlive {
  readonly in: readonly number[];
  readonly out: number;
}

/** The number of positions a channel covers in a shape (all dimensions but the last). */
export function positionsOf(shape: readonly number[]): number {
  return shape.slice(0, -1).reduce((a, b) => a * b, 1);
}

function checkStructure(graph: OpGraph, structure: Structure, allowWider: boolean): void {
  const byName = new Map(graph.ops.map((op) => [op.name, op]));
  for (const [name, count] of Object.entries(structure)) {
    const op = byName.get(name);
    if (op === undefined) throw new StructureError(`structure: layer \`${name}\` is not in the model`);
    if (!op.ownsChannels) {
      throw new StructureError(
        `structure: layer \`${name}\` (${op.className}) does not own its output channels; set counts on conv and dense layers`,
      );
    }
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw new StructureError(`structure: layer \`${name}\` has count ${JSON.stringify(count)}; counts are integers ≥ 0`);
    }
    if (!allowWider && count > op.outChannels) {
      throw new StructureError(`structure: layer \`${name}\` has count ${count}, above its width of ${op.outChannels}`);
    }
  }
}

/** True when `structure` gives some layer more channels than the model has: it prices and builds a widened model. */
export function widensModel(graph: OpGraph, structure: Structure): boolean {
  return graph.ops.some((op) => (structure[op.name] ?? 0) > op.outChannels);
}

function outAlive(op: OpNode, ins: readonly number[], structure: Structure): number {
  const first = ins[0] ?? 0;
  switch (op.kind) {
    case 'input':
      return op.outChannels;
    case 'conv2d':
    case 'separable':
    case 'dense':
      return structure[op.name] ?? op.outChannels;
    case 'depthwise':
      return first * op.depthMultiplier;
    case 'add':
      return Math.max(...ins);
    case 'concat':
      return ins.reduce((a, b) => a + b, 0);
    case 'flatten':
      return first * positionsOf(op.inputShapes[0] ?? []);
    case 'reshape': {
      const inShape = op.inputShapes[0] ?? [];
      const inWidth = inShape[inShape.length - 1] ?? 0;
      if (first === inWidth) return op.outChannels;
      if (inWidth === op.outChannels) return first;
      if (op.outputShape.length === 1) return first * positionsOf(inShape);
      throw new StructureError(
        `structure: cannot carry ${first} of ${inWidth} channels through Reshape \`${op.name}\` to shape ${JSON.stringify(op.outputShape)}`,
      );
    }
    default:
      return first;
  }
}

/**
 * Alive counts for every op. Without a structure every channel is alive. A structure naming a layer
 * that is not in the model, that owns no channels, or with a count above its width raises StructureError.
 */
export function propagateAlive(graph: OpGraph, structure: Structure = {}, options: { allowWider?: boolean } = {}): ReadonlyMap<string, OpAlive> {
  checkStructure(graph, structure, options.allowWider ?? false);
  const alive = new Map<string, OpAlive>();
  for (const op of graph.ops) {
    const ins = op.inputs.map((name) => alive.get(name)?.out ?? 0);
    alive.set(op.name, { in: ins, out: outAlive(op, ins, structure) });
  }
  return alive;
}

/**
 * Which ops of the shrunk model still run: an op with a dead input (no alive channels, or its producer
 * gone) is gone; an Add left with one input is bypassed; a Concat runs while any input is left. These
 * cost nothing, as in the model a structure builds (a residual body with no channels becomes the
 * identity, a concat tower with none drops out).
 */
export function runningOps(graph: OpGraph, alive: ReadonlyMap<string, OpAlive>): ReadonlySet<string> {
  const present = new Set<string>();
  const running = new Set<string>();
  for (const op of graph.ops) {
    const a = alive.get(op.name);
    const live = op.inputs.filter((name, k) => present.has(name) && (a?.in[k] ?? 0) > 0).length;
    if (op.inputs.length === 0) {
      present.add(op.name);
      running.add(op.name);
    } else if (op.kind === 'concat') {
      if (live > 0) {
        present.add(op.name);
        running.add(op.name);
      }
    } else if (op.kind === 'add') {
      if (live > 0) present.add(op.name);
      if (live > 1 || live === op.inputs.length) running.add(op.name);
    } else if (live === op.inputs.length) {
      present.add(op.name);
      running.add(op.name);
    }
  }
  return running;
}

/** The structure of a graph with every channel alive: each owning layer at its full width. */
export function fullStructure(graph: OpGraph): Structure {
  return Object.fromEntries(graph.ops.filter((op) => op.ownsChannels).map((op) => [op.name, op.outChannels]));
}

/** Whether two structures give every layer the same count (a layer one of them lacks counts as different). */
export function sameStructure(a: Structure, b: Structure): boolean {
  const layers = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...layers].every((layer) => a[layer] === b[layer]);
}

/**
 * The graph of the same model at the widths of `structure`, which may be wider than the model's own
 * (for expansion): every shape keeps its spatial size and takes its channels from the alive counts.
 */
export function resizedGraph(graph: OpGraph, structure: Structure): OpGraph {
  const alive = propagateAlive(graph, structure, { allowWider: true });
  const withChannels = (shape: readonly number[], c: number): number[] => [...shape.slice(0, -1), c];
  const ops = graph.ops.map((op): OpNode => {
    const a = alive.get(op.name) ?? { in: [], out: op.outChannels };
    const inputShapes = op.inputShapes.map((s, i) => withChannels(s, a.in[i] ?? 0));
    const inChannels = op.kind === 'concat' ? a.in.reduce((x, y) => x + y, 0) : (a.in[0] ?? a.out);
    return { ...op, inputShapes, outputShape: withChannels(op.outputShape, a.out), inChannels, outChannels: a.out };
  });
  return { ...graph, ops };
}
