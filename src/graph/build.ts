/**
 * Builds the op graph of a tfjs-layers model (Sequential or functional, several inputs and outputs)
 * by walking back from its outputs through each layer's inbound node.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { UnsupportedLayerError } from '../errors.js';
import { layerReaderFor, supportedLayerClasses } from './layers/registry.js';
import type { OpGraph, OpNode, Shape } from './types.js';

type Layer = tfl.layers.Layer;
type SymbolicTensor = tfl.SymbolicTensor;

interface InboundNode {
  readonly inboundLayers: Layer[];
  readonly nodeIndices: number[];
  readonly inputShapes: (number | null)[] | (number | null)[][];
  readonly outputShapes: (number | null)[] | (number | null)[][];
}

function withoutBatch(shape: readonly (number | null)[], layer: Layer): Shape {
  const dims = shape.slice(1);
  if (dims.some((d) => d === null)) {
    throw new UnsupportedLayerError(layer.name, layer.getClassName(), `has an unknown dimension in shape ${JSON.stringify(shape)}`);
  }
  return dims as number[];
}

function shapeList(shapes: InboundNode['inputShapes']): (number | null)[][] {
  if (shapes.length > 0 && Array.isArray(shapes[0])) return shapes as (number | null)[][];
  return [shapes as (number | null)[]];
}

function nodeOf(layer: Layer, index: number): InboundNode {
  const nodes = (layer as unknown as { inboundNodes: InboundNode[] }).inboundNodes;
  const node = nodes[index];
  if (node === undefined) throw new UnsupportedLayerError(layer.name, layer.getClassName(), `has no inbound node ${index}`);
  return node;
}

/**
 * A layer's config, completed with what tfjs-layers leaves out of it (SeparableConv2D's depth
 * multiplier is not in its config in 4.22).
 */
export function configOf(layer: Layer): Record<string, unknown> {
  const config = layer.getConfig() as Record<string, unknown>;
  const multiplier = (layer as unknown as { depthMultiplier?: unknown }).depthMultiplier;
  return typeof multiplier === 'number' ? { ...config, depthMultiplier: multiplier } : config;
}

/**
 * Reads a LayersModel into ops in topological order. A layer of a class morphlat does not know, or a
 * layer applied more than once, raises UnsupportedLayerError naming it.
 */
export function buildGraph(model: tfl.LayersModel): OpGraph {
  const ops: OpNode[] = [];
  const visited = new Map<string, number>();

  const visit = (layer: Layer, nodeIndex: number): void => {
    const seen = visited.get(layer.name);
    if (seen !== undefined) {
      if (seen !== nodeIndex) {
        throw new UnsupportedLayerError(layer.name, layer.getClassName(), 'is applied more than once (shared layers are not supported)');
      }
      return;
    }
    visited.set(layer.name, nodeIndex);
    const className = layer.getClassName();
    const reader = layerReaderFor(className);
    if (reader === undefined) {
      throw new UnsupportedLayerError(
        layer.name,
        className,
        `class ${className} is not supported (supported: ${supportedLayerClasses().join(', ')})`,
      );
    }
    const node = nodeOf(layer, nodeIndex);
    node.inboundLayers.forEach((inbound, i) => visit(inbound, node.nodeIndices[i] ?? 0));
    const outputShape = shapeList(node.outputShapes)[0] ?? [];
    ops.push(
      reader.read({
        name: layer.name,
        className,
        config: configOf(layer),
        inputs: node.inboundLayers.map((l) => l.name),
        inputShapes: node.inboundLayers.length === 0 ? [] : shapeList(node.inputShapes).map((s) => withoutBatch(s, layer)),
        outputShape: withoutBatch(outputShape, layer),
      }),
    );
  };

  const outputs = model.outputs as SymbolicTensor[];
  const inputs = model.inputs as SymbolicTensor[];
  for (const t of inputs) visit(t.sourceLayer as Layer, t.nodeIndex);
  for (const t of outputs) visit(t.sourceLayer as Layer, t.nodeIndex);
  return {
    ops,
    inputs: inputs.map((t) => t.sourceLayer.name),
    outputs: outputs.map((t) => t.sourceLayer.name),
  };
}

/** The op named `name`, or undefined when the graph has none. */
export function opByName(graph: OpGraph, name: string): OpNode | undefined {
  return graph.ops.find((op) => op.name === name);
}

/** For each op name, the names of the ops that consume its output. */
export function consumersOf(graph: OpGraph): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, string[]>(graph.ops.map((op) => [op.name, []]));
  for (const op of graph.ops) for (const i of op.inputs) out.get(i)?.push(op.name);
  return out;
}
