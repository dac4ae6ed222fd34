/**
 * "The server has caught up": its CPU time stops growing. Used after opening
 * thousands of long-polls, which the server parks at its own pace; there is no
 * endpoint counting parked polls, and a fixed sleep would be wrong on a slower machine.
 */
import { cpuTimeMs } from './cpu.js';

/** Resolves once the process used at most `maxCores` over a window of `windowMs`, or after `timeoutMs`. */
export async function waitForIdle(pid: number, options: { windowMs?: number; maxCores?: number; timeoutMs?: number } = {}): Promise<boolean> {
  const windowMs = options.windowMs ?? 300;
  const maxCores = options.maxCores ?? 0.05;
  const deadline = performance.now() + (options.timeoutMs ?? 30_000);
  let before = cpuTimeMs(pid);
  if (before === undefined) return false;
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = cpuTimeMs(pid);
    if (now === undefined) return false;
    if ((now - before) / windowMs <= maxCores) return true;
    before = now;
  }
  return false;
}
