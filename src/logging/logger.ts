/**
 * The gateway's pino logger: JSON lines with level names ("info", not 30) and ISO times, or,
 * for development only, pino-pretty's coloured text (a devDependency: absent from a production
 * install, so asking for it there stops start-up with the fix). Secrets are redacted by key name
 * wherever they would appear in a logged object.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Config } from '../config.js';
import { stdoutDestination, type BufferSettings } from './stdout-destination.js';

/** Field names whose values never reach a log line, at the top level or one object down. */
const SECRET_FIELDS = ['authorization', 'cookie', 'token', 'accessToken', 'access_token', 'password', 'secret', 'apiKey', 'api_key'];

export function createLogger(settings: Pick<Config, 'logLevel' | 'logFormat'> & Partial<BufferSettings>, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.logLevel,
    timestamp: isoTimeOncePerMs(),
    redact: { paths: SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]), censor: '[REDACTED]' },
  };
  if (settings.logFormat === 'pretty' && !destination) {
    requirePinoPretty();
    // pino-pretty prints the level's name itself, from pino's numbers.
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true } } });
  }
  options.formatters = { level: (label) => ({ level: label }) };
  if (destination) return pino(options, destination);
  // Silent: nothing is ever written (tests start many such gateways in one process).
  if (settings.logLevel === 'silent') return pino(options, pino.destination({ dest: 1, sync: true }));
  const bounds = { logBufferBytes: settings.logBufferBytes ?? 0, logFlushMs: settings.logFlushMs ?? 100, logMaxPendingBytes: settings.logMaxPendingBytes ?? 16 * 1024 * 1024 };
  const logger = pino(options, stdoutDestination(bounds, (lines) => logger.warn({ droppedLines: lines }, 'log lines dropped: stdout was not read fast enough (logMaxPendingBytes)')));
  return logger;
}

/**
 * pino's isoTime, formatted once per millisecond rather than once per line: under load many request
 * lines share a millisecond, and Date#toISOString was ~1% of a single-record produce (issue 9).
 */
function isoTimeOncePerMs(): () => string {
  let lastMs = NaN;
  let text = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      text = `,"time":"${new Date(now).toISOString()}"`;
    }
    return text;
  };
}

function requirePinoPretty(): void {
  try {
    import.meta.resolve('pino-pretty');
  } catch {
    throw new Error('logFormat=pretty needs pino-pretty, a development dependency: run `npm install` (not --omit=dev), or set LOGWAY_LOG_FORMAT=json');
  }
}

/**
 * Resolves once every line logged so far is written to stdout, or after `timeoutMs` (a reader
 * that does not read): before a graceful exit, so the exit's own synchronous flush never races a
 * write still in libuv's thread pool.
 */
export function flushLog(logger: Logger, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

