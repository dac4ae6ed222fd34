/**
 * A background task run every `intervalMs`, one run at a time: a tick that comes while the last run is
 * still going is skipped, not queued, so a slow store never piles up runs. The timer does not keep the
 * process alive, and stop() resolves once the run in progress (if any) has ended, so a caller can close
 * what the task uses right after it.
 */
export class Periodic {
  readonly #task: () => Promise<unknown>;
  readonly #onError: (err: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  /** `onError` gets what a run throws; the next tick runs again. */
  constructor(task: () => Promise<unknown>, onError: (err: unknown) => void = () => undefined) {
    this.#task = task;
    this.#onError = onError;
  }

  start(intervalMs: number): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.runNow(), intervalMs);
    this.#timer.unref();
  }

  /** Runs the task now unless a run is in progress, whose end it then waits for. */
  runNow(): Promise<void> {
    this.#running ??= Promise.resolve()
      .then(this.#task)
      .then(() => undefined, this.#onError)
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
