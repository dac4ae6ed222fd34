/**
 * A client typed by any generated `paths` (openapi-typescript), such as a topic's own document
 * (GET /v1/topics/{topic}/openapi.json), for programs that tests type-check.
 */
import createClient, { type Client } from 'openapi-fetch';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export function createTypedClient<Paths extends {}>(baseUrl: string): Client<Paths> {
  return createClient<Paths>({ baseUrl });
}
