/**
 * Marginal cost per channel by a one-channel difference. For MorphNet's analytic costs, which are
 * linear in each alive count on its own, this is the exact partial derivative.
 */
import type { OpAlive } from '../graph/alive.js';
import type { CostGradient } from './types.js';

/** ∂f/∂alive for each input and the output, as f(a + 1) − f(a) in each count. */
export function oneChannelGradient(f: (alive: OpAlive) => number, alive: OpAlive): CostGradient {
  const base = f(alive);
  const dIn = alive.in.map((_, i) => f({ in: alive.in.map((a, j) => (j === i ? a + 1 : a)), out: alive.out }) - base);
  const dOut = f({ in: alive.in, out: alive.out + 1 }) - base;
  return { in: dIn, out: dOut };
}
