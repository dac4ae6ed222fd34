import { describe, expect, it } from 'vitest';
import { LabelBudget, OTHER } from '../../src/metrics/label-budget.js';

describe('LabelBudget', () => {
  it('gives the first `max` values their own label, for good, and `_other` to every later one', () => {
    const budget = new LabelBudget(2);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map((v) => budget.label(v))).toEqual(['a', 'b', OTHER, 'a', OTHER, 'b']);
    expect(OTHER).toBe('_other');
  });
});
