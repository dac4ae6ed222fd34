/**
 * A typed REST client generated from openapi.yaml (openapi-typescript types + openapi-fetch),
 * for tests that prove generated clients work against a real gateway. Add calls for new
 * endpoints in tests directly: `client.POST('/v1/groups/{group}/...', {...})` is typed from
 * the document once `npm run openapi:gen` has regenerated src/cli/generated/logway-api.ts.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { ConfigInput } from '../../src/config.js';
import type { components, operations, paths } from '../../src/cli/generated/logway-api.js';
import { startGateway, type RunningGateway } from './gateway.js';

export type { components, operations, paths };
export type LogwayClient = Client<paths>;
/** A schema from the document by name: `Schema<'Record'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** `credential`: sent as `Authorization: Bearer <credential>` (an API key, a token, the administrator key). */
export function createLogwayClient(baseUrl: string, credential?: string): LogwayClient {
  return createClient<paths>({ baseUrl, ...(credential ? { headers: { authorization: `Bearer ${credential}` } } : {}) });
}

/** A real gateway (port 0, temp SQLite; closed when the test finishes) and a typed client for it. */
export async function startGatewayWithClient(
  overrides: ConfigInput = {},
): Promise<{ client: LogwayClient; server: RunningGateway }> {
  const server = await startGateway(overrides);
  return { client: createLogwayClient(server.url), server };
}
