/** The table from op kind to its analytic measures; kinds not listed move activations only. */
import type { OpKind } from '../../graph/types.js';
import type { OpMeasures } from '../types.js';
import { conv2dMeasures } from './conv2d.js';
import { denseMeasures } from './dense.js';
import { depthwiseMeasures } from './depthwise.js';
import { elementwiseMeasures } from './elementwise.js';
import { separableMeasures } from './separable.js';
import { viewMeasures } from './view.js';

const MEASURES: Partial<Readonly<Record<OpKind, OpMeasures>>> = {
  conv2d: conv2dMeasures,
  depthwise: depthwiseMeasures,
  separable: separableMeasures,
  dense: denseMeasures,
  input: viewMeasures,
  flatten: viewMeasures,
  reshape: viewMeasures,
  dropout: viewMeasures,
};

/** The analytic measures of an op kind (elementwise data movement by default). */
export function measuresFor(kind: OpKind): OpMeasures {
  return MEASURES[kind] ?? elementwiseMeasures;
}
