/**
 * What this store does not do yet (compaction: issue 14 on the cluster store): refused with
 * NOT_SUPPORTED (501), never a silent empty answer.
 */
import { ErrorCode, GatewayError } from '../../errors.js';
import type { TopicConfig } from '../log-store.js';

export function unsupported(what: string): never {
  throw new GatewayError(ErrorCode.NOT_SUPPORTED, `${what} is not available on the JetStream store yet (see docs/cluster.md)`);
}

/** Refuses topic settings this store cannot honour. */
export function checkSupported(config: TopicConfig | undefined): void {
  if (!config) return;
  const refuse = (field: string, why: string) => {
    throw new GatewayError(ErrorCode.NOT_SUPPORTED, `config.${field}: ${why} is not available on the JetStream store yet (see docs/cluster.md)`, { field: `config.${field}` });
  };
  if (config.cleanupPolicy !== undefined && config.cleanupPolicy !== 'delete') refuse('cleanupPolicy', 'compaction');
}
