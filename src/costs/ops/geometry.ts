/** Spatial facts of an op that the cost formulas share. */
import { positionsOf } from '../../graph/alive.js';
import type { OpNode } from '../../graph/types.js';

/** H·W of the op's first input (1 for vectors). */
export function inputPositions(op: OpNode, input = 0): number {
  return positionsOf(op.inputShapes[input] ?? []);
}

/** H_out·W_out of the op's output, so stride and padding are included (1 for vectors). */
export function outputPositions(op: OpNode): number {
  return positionsOf(op.outputShape);
}

/** kh·kw. */
export function kernelArea(op: OpNode): number {
  return op.kernel[0] * op.kernel[1];
}

/** Bytes per fp32 value. */
export const BYTES_PER_VALUE = 4;
