/** A failed zod parse as a GatewayError naming each field: the same for a REST request and a WebSocket command. */
import type { ZodError } from 'zod';
import { ErrorCode, GatewayError, type FieldError } from '../errors.js';

/** zod issues -> field errors with paths like `body/records/0/partition` and a sentence naming the first. */
export function validationError(target: string, error: ZodError): GatewayError {
  const errors: FieldError[] = error.issues.map((issue) => ({
    path: [target, ...issue.path.map(String)].join('/'),
    message: issue.message,
  }));
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new GatewayError(ErrorCode.INVALID_REQUEST, `${first.path}: ${first.message}${more}`, { errors });
}
