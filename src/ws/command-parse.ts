/**
 * An inbound text frame as a command: JSON, then the protocol's schema. The command's `id`
 * is taken before validation, so even a command refused for bad input gets its id echoed.
 */
import { validationError } from '../api/validation-error.js';
import { invalid, type GatewayError } from '../errors.js';
import { CommandSchema, type Command } from './protocol.js';

export type CommandId = string | number | undefined;

export function parseCommand(text: string): { id: CommandId; command: Command } | { id: CommandId; error: GatewayError } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { id: undefined, error: invalid('message is not valid JSON', [{ path: 'message', message: 'is not valid JSON' }]) };
  }
  let id: CommandId;
  if (json && typeof json === 'object' && 'id' in json) {
    const raw = (json as { id: unknown }).id;
    if (typeof raw === 'string' || typeof raw === 'number') id = raw;
  }
  const parsed = CommandSchema.safeParse(json);
  if (!parsed.success) return { id, error: validationError('message', parsed.error) };
  return { id, command: parsed.data };
}
