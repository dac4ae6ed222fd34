/** The gateway as every scenario starts it: the run's durability, --set settings and profiling, plus the scenario's own settings. */
import { startGateway, type GatewayProcess } from './child.js';
import type { BenchContext } from './context.js';

export function startGatewayFor(ctx: BenchContext, label: string, settings: Record<string, string | number | boolean> = {}): Promise<GatewayProcess> {
  // --set wins: a tuning under comparison applies to every gateway.
  return startGateway({ synchronous: ctx.synchronous, settings: { ...settings, ...ctx.gatewaySettings }, cpuProfDir: ctx.cpuProfDir, label });
}
