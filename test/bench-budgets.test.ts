import { describe, expect, it } from 'vitest';
import { budgetPct, parseBudgets } from '../benchmarks/budgets.js';

describe("bench:shrink's budgets", () => {
  it('reads shares of the seed, ascending and each once', () => {
    expect(parseBudgets('0.75, 0.25,0.5,0.25', '--budgets')).toEqual([0.25, 0.5, 0.75]);
    expect(parseBudgets('0.05,1', '--flops-budgets')).toEqual([0.05, 1]);
  });

  it('refuses a share outside (0, 1] or no number, naming the option and the share', () => {
    expect(() => parseBudgets('0.5,1.5', '--budgets')).toThrow('--budgets must be shares of the seed\'s cost in (0, 1], got "1.5" in "0.5,1.5"');
    expect(() => parseBudgets('0,0.5', '--flops-budgets')).toThrow(/--flops-budgets .* got "0"/);
    expect(() => parseBudgets('0.25,,0.5', '--budgets')).toThrow(/got "" in/);
    expect(() => parseBudgets('half', '--budgets')).toThrow(/got "half"/);
  });
});

describe("bench:shrink's budgets in tables", () => {
  it('prints a whole percentage whole and any other to a tenth, so that 57.5% is not read as 57%', () => {
    expect([0.25, 0.575, 0.05, 0.07, 1].map(budgetPct)).toEqual(['25%', '57.5%', '5%', '7%', '100%']);
  });
});
