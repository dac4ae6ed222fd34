/**
 * Entry point: load config -> install signal handlers -> create gateway (opens the store) -> listen;
 * shut down gracefully on SIGTERM/SIGINT, also when one arrives during start-up.
 * Run node directly (not through npm) where signals matter: npm's `sh` does not pass them on.
 */
import { ConfigError, loadConfig, type Config } from './config.js';
import { createGateway, type Gateway } from './gateway.js';
import { createLogger, flushLog } from './logging/logger.js';

async function main(): Promise<void> {
  let config: Config;
  const warnings: string[] = [];
  try {
    config = loadConfig({ env: process.env, argv: process.argv.slice(2), onWarning: (w) => warnings.push(w) });
  } catch (err) {
    if (err instanceof ConfigError && err.help) {
      process.stdout.write(`${err.message}\n`);
      process.exit(0);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`logway: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config);
  for (const warning of warnings) logger.warn(warning);

  // Handlers before the store opens: as PID 1 in a container a signal without a handler is
  // ignored, so a SIGTERM while the database opened (migrations, a slow disk) used to wait for the
  // SIGKILL. A signal during start-up is acted on as soon as start-up yields (see below).
  /** Set once the gateway listens: from then on a signal shuts it down directly. */
  const serving: { gateway?: Gateway } = {};
  let signalled: string | undefined;
  const exitAfterClose = (g: Gateway) => {
    // A shutdown that hangs must not outlive the deadline (Docker SIGKILLs 10 s after SIGTERM).
    setTimeout(() => {
      logger.error('graceful shutdown overran its deadline; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 1_000).unref();
    g.close().then(
      () => flushLog(logger, 1_000).then(() => process.exit(0)),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        void flushLog(logger, 1_000).then(() => process.exit(1));
      },
    );
  };
  const onSignal = (signal: string) => {
    if (signalled) return;
    signalled = signal;
    if (serving.gateway) {
      logger.info({ signal }, 'shutting down');
      exitAfterClose(serving.gateway);
    } else {
      logger.info({ signal }, 'signal during start-up: stopping before listening');
    }
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  logger.info({ dataDir: config.dataDir }, 'logway starting');
  // Written now, not with the next lines (logBufferBytes): opening the store may hold the event loop, flush timer included.
  logger.flush();
  const gateway = await createGateway(config, { logger, processMetrics: true });
  // Opening the store is synchronous work: let a signal that arrived meanwhile be handled now.
  // Signals are read in the event loop's poll phase; an immediate set from a timer runs after
  // the poll phase of the timer's loop iteration, so one has passed whatever phase we are in.
  await new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0));
  if (signalled) return exitAfterClose(gateway);
  const { url } = await gateway.listen();
  serving.gateway = gateway;
  if (signalled) return exitAfterClose(gateway);
  logger.info({ url, dataDir: config.dataDir, synchronous: config.synchronous }, 'logway listening');
  // Written now too: whoever waits for it is told at once.
  logger.flush();
}

main().catch((err: unknown) => {
  process.stderr.write(`logway: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
