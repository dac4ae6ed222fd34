/**
 * Waiting for a condition instead of sleeping. Tests must not time behaviour, and a fixed
 * sleep is either too short on a loaded machine (flaky) or too long everywhere (slow), so
 * they poll for the state they need, with a deadline generous enough for a slow CI box and
 * a failure that says what never happened.
 */

export interface UntilOptions {
  /** Give up after this long (generous: it only bounds a hang, it is never an assertion on speed). */
  timeoutMs?: number;
  /** Pause between checks. */
  intervalMs?: number;
}

/**
 * Calls `check` until it returns a truthy value, and resolves with that value. A check that
 * throws (a failing `expect`, say) counts as "not yet". After `timeoutMs` it rejects with
 * "timed out after N ms waiting for <what>", plus the last check's error if there was one.
 */
export async function until<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 5 }: UntilOptions = {},
): Promise<Exclude<T, false | 0 | '' | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Exclude<T, false | 0 | '' | null | undefined>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `\nlast check failed: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
