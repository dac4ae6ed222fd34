/**
 * The core names a bad field from the top of the payload it was given (`records/0/partition`);
 * a transport names it from the top of what the client sent, as its zod validation does
 * (`body/records/0/partition` over HTTP, `message/records/0/partition` over WebSocket), so
 * one request's problems all read the same way whichever layer found them.
 */
import { GatewayError, type FieldError } from '../errors.js';

/** Runs `fn`; a GatewayError naming fields is rethrown with `prefix/` before each path. */
export async function withFieldPrefix<T>(prefix: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw prefixFieldPaths(err, prefix);
  }
}

export function prefixFieldPaths(err: unknown, prefix: string): unknown {
  if (!(err instanceof GatewayError)) return err;
  const errors = err.details.errors as FieldError[] | undefined;
  if (!Array.isArray(errors) || errors.length === 0) return err;
  // A detail sentence that starts with the first field's path names it the same way.
  const first = errors[0]!.path;
  const message = err.message.startsWith(`${first}:`) ? `${prefix}/${err.message}` : err.message;
  const prefixed = errors.map((e) => ({ ...e, path: `${prefix}/${e.path}` }));
  return new GatewayError(err.code, message, { ...err.details, errors: prefixed }, { cause: err });
}
