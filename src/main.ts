/**
 * Entry point: load config -> create gateway -> listen -> shut down gracefully on SIGTERM/SIGINT.
 * Run node directly (not through npm) where signals matter: npm's `sh` does not pass them on.
 */
import { ConfigError, loadConfig, type Config } from './config.js';
import { createGateway } from './gateway.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig({ env: process.env, argv: process.argv.slice(2) });
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
  const gateway = await createGateway(config, { processMetrics: true });
  const { url } = await gateway.listen();
  gateway.logger.info({ url, dataDir: config.dataDir, synchronous: config.synchronous }, 'logway listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.logger.info({ signal }, 'shutting down');
    // A shutdown that hangs must not outlive the deadline (Docker SIGKILLs 10 s after SIGTERM).
    setTimeout(() => {
      gateway.logger.error('graceful shutdown overran its deadline; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 1_000).unref();
    gateway.close().then(
      () => process.exit(0),
      (err: unknown) => {
        gateway.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`logway: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
