/**
 * Bounds a label's values: every distinct value is a time series Prometheus keeps, and topic
 * and group names are chosen by clients. The first `max` values seen keep their own label
 * (for the process's life, so a counter's series never changes name); the rest share `_other`.
 */
export const OTHER = '_other';

export class LabelBudget {
  readonly #max: number;
  readonly #given = new Set<string>();

  constructor(max: number) {
    this.#max = max;
  }

  /** `value` itself while it has, or can still get, a label of its own; else `_other`. */
  label(value: string): string {
    if (this.#given.has(value)) return value;
    if (this.#given.size >= this.#max) return OTHER;
    this.#given.add(value);
    return value;
  }
}
