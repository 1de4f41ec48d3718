import { describe, expect, test } from 'vitest';
import { StrengthController } from '../src/shrink/strength.js';

describe('the automatic strength', () => {
  test('rises while the cost stays above the target and stops falling, eases once it meets it, harder below the band', () => {
    const c = new StrengthController({ kind: 'cost', cost: 10 }, 2);
    expect(c.update(20)).toBeCloseTo(2.6);
    expect(c.update(15)).toBeCloseTo(2.6);
    expect(c.update(14.99)).toBeCloseTo(3.38);
    expect(c.update(10.5)).toBeCloseTo(3.38);
    expect(c.update(9.6)).toBeCloseTo(3.38 * 0.9);
    expect(c.update(9.6)).toBeCloseTo(3.38 * 0.81);
    expect(c.update(8)).toBeCloseTo(3.38 * 0.81 * 0.8);
    expect(c.met(10)).toBe(true);
    expect(c.met(10.01)).toBe(false);
  });

  test('a cost that falls, but too slowly to reach the target in the checks left, raises the strength', () => {
    const slow = new StrengthController({ kind: 'cost', cost: 10 }, 1);
    expect(slow.update(30, 20)).toBeCloseTo(1.3);
    expect(slow.update(29.5, 19)).toBeCloseTo(1.69);
    const onPace = new StrengthController({ kind: 'cost', cost: 10 }, 1);
    onPace.update(30, 20);
    expect(onPace.update(25, 19)).toBeCloseTo(1.3);
    const unknown = new StrengthController({ kind: 'cost', cost: 10 }, 1);
    unknown.update(30);
    expect(unknown.update(29.5)).toBeCloseTo(1.3);
  });

  test('backs off after a structure that cannot be built, whatever the cost', () => {
    const c = new StrengthController({ kind: 'cost', cost: 10 }, 5);
    c.update(20);
    expect(c.backOff()).toBeCloseTo(5 * 1.3 * 0.8);
    expect(c.snapshot()).toEqual({ strength: c.strength, lastCost: 20 });
  });

  test('a fixed strength never moves and has no target', () => {
    const c = new StrengthController({ kind: 'fixed', strength: 0.5 });
    c.update(100);
    c.backOff();
    expect(c.strength).toBe(0.5);
    expect(c.met(0)).toBe(false);
  });
});
