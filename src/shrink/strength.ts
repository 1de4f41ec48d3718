/**
 * The automatic strength of MorphNet's regularizer. MorphNet offers only a raw strength its users
 * struggle to tune; here the strength is per unit of the seed's cost (so it is unit-free) and, given a
 * target cost, it is raised while the cost stops falling short of the target, eased as soon as the cost
 * meets it (so shrinking slows where it should stop), and eased harder once the cost overshoots below the
 * band [HOLD_BAND·target, target].
 */

/** How much the strength rises at a check that falls short of the target. */
const RAISE = 1.3;
/** How much it eases on a check inside the band, and below the band (or at a structure that cannot be built). */
const HOLD = 0.9;
const EASE = 0.8;
/** The share of the target below which the cost has overshot. */
const HOLD_BAND = 0.95;

/** What the controller aims at. */
export type StrengthGoal =
  | { readonly kind: 'cost'; readonly cost: number }
  | { readonly kind: 'fixed'; readonly strength: number };

/** Adjusts the strength from the cost measured at each check. */
export class StrengthController {
  private value: number;
  private lastCost: number | undefined;
  readonly goal: StrengthGoal;

  constructor(goal: StrengthGoal, initial = 1) {
    this.goal = goal;
    this.value = goal.kind === 'fixed' ? goal.strength : initial;
  }

  /** The strength to use now (per unit of the seed's cost). */
  get strength(): number {
    return this.value;
  }

  /** True when `cost` meets the goal (always false for a fixed strength, which has no target). */
  met(cost: number): boolean {
    return this.goal.kind === 'cost' && cost <= this.goal.cost;
  }

  /**
   * Takes the cost at a check and returns the strength for the next stretch of steps. With
   * `checksLeft`, a cost that falls too slowly to reach the target in the checks left counts as not
   * falling (from a trained seed the cost can fall steadily, but far too slowly, for a whole run).
   */
  update(cost: number, checksLeft?: number): number {
    if (this.goal.kind === 'fixed') return this.value;
    const target = this.goal.cost;
    const drop = this.lastCost === undefined ? 0 : this.lastCost - cost;
    const onPace = checksLeft === undefined || checksLeft <= 0 || drop * checksLeft >= cost - target;
    const falling = this.lastCost !== undefined && cost < this.lastCost * 0.99 && onPace;
    if (cost > target) {
      if (!falling) this.value *= RAISE;
    } else this.value *= cost < target * HOLD_BAND ? EASE : HOLD;
    this.lastCost = cost;
    return this.value;
  }

  /**
   * Lowers the strength after a check whose structure cannot be built (a path to an output died):
   * a cliff overshoots the target whatever the cost says, so the strength must give way.
   */
  backOff(): number {
    if (this.goal.kind === 'cost') this.value *= EASE;
    return this.value;
  }

  /** The state to save with a checkpoint. */
  snapshot(): { strength: number; lastCost: number | null } {
    return { strength: this.value, lastCost: this.lastCost ?? null };
  }

  /** Restores a saved state. */
  restore(state: { strength: number; lastCost: number | null }): void {
    this.value = state.strength;
    this.lastCost = state.lastCost ?? undefined;
  }
}
