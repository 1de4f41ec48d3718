/** The table from source kind to the op regularizer that computes its channel values. */
import type { OpRegularizer, SourceKind } from '../types.js';
import { gammaL1 } from './gamma-l1.js';
import { groupLasso } from './group-lasso.js';

const REGULARIZERS: Readonly<Record<SourceKind, OpRegularizer>> = {
  'gamma-l1': gammaL1,
  'group-lasso': groupLasso,
};

/** The op regularizer of a source kind. */
export function opRegularizerFor(kind: SourceKind): OpRegularizer {
  return REGULARIZERS[kind];
}
