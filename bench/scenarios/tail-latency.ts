import type { BenchContext } from '../lib/context.js';
import type { ScenarioRow } from '../lib/report.js';

export async function tailLatency(_ctx: BenchContext): Promise<ScenarioRow[]> {
  return [{ scenario: 'tail-latency', skipped: 'not written yet' }];
}
