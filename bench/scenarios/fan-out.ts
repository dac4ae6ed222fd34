import type { BenchContext } from '../lib/context.js';
import type { ScenarioRow } from '../lib/report.js';

export async function fanOut(_ctx: BenchContext): Promise<ScenarioRow[]> {
  return [{ scenario: 'fan-out', skipped: 'not written yet' }];
}
