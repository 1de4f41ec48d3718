/** Parses a target as the user spells it (`flops`, `size`, `memory`, `roofline:<HW>`) into a CostTarget. */
import { UsageError } from '../errors.js';
import { flopsTarget, memoryTarget, sizeTarget } from './analytic.js';
import { HARDWARE, rooflineTarget } from './roofline.js';
import type { CostTarget } from './types.js';

/** The analytic target names, for help texts. */
export const ANALYTIC_TARGETS = ['flops', 'size', 'memory', ...Object.keys(HARDWARE).map((h) => `roofline:${h}`)] as const;

/** The analytic target `spec` at batch `batch`. Latency targets need a device profile: see `latencyTarget`. */
export function analyticTargetNamed(spec: string, batch = 1): CostTarget {
  if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`\`--batch\` must be an integer ≥ 1, got ${batch}`);
  const [kind, arg, ...rest] = spec.split(':');
  if (rest.length > 0 || (arg !== undefined && kind !== 'roofline')) {
    throw new UsageError(`unknown target \`${spec}\`; choose flops, size, memory, roofline:<HW> or latency`);
  }
  switch (kind) {
    case 'flops':
      return flopsTarget(batch);
    case 'size':
      return sizeTarget();
    case 'memory':
      return memoryTarget(batch);
    case 'roofline':
      if (arg === undefined || arg === '') throw new UsageError(`target \`roofline\` needs hardware: roofline:<${Object.keys(HARDWARE).join('|')}>`);
      return rooflineTarget(arg, batch);
    default:
      throw new UsageError(`unknown target \`${spec}\`; choose flops, size, memory, roofline:<HW> or latency`);
  }
}
