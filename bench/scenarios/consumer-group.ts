import type { BenchContext } from '../lib/context.js';
import type { ScenarioRow } from '../lib/report.js';

export async function consumerGroup(_ctx: BenchContext): Promise<ScenarioRow[]> {
  return [{ scenario: 'consumer-group', skipped: 'not written yet' }];
}
