/**
 * The CLI's connection to a running gateway: the typed client generated from openapi.yaml
 * (openapi-fetch over src/cli/generated/logway-api.ts), and the error every command prints.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/logway-api.js';

export interface Connection {
  url: string;
  token: string | undefined;
}

export type LogwayClient = Client<paths, 'application/json'>;

export function connect(connection: Connection): LogwayClient {
  return createClient<paths, 'application/json'>({
    baseUrl: connection.url.replace(/\/+$/, ''),
    headers: connection.token ? { authorization: `Bearer ${connection.token}` } : {},
  });
}

/** A failure to tell the user: a problem's title and detail, or why the gateway could not be reached. */
export class CliError extends Error {
  override name = 'CliError';
}

/** The data of a successful answer; a CliError with the problem's title and detail otherwise. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw problemError(result.error, result.response.status);
}

export function problemError(problem: unknown, status: number): CliError {
  const p = (problem ?? {}) as { title?: string; detail?: string; code?: string };
  const title = p.title ?? `HTTP ${status}`;
  return new CliError(p.detail ? `${title}: ${p.detail}` : title);
}

/** Runs a request; a network failure becomes a CliError naming the URL. */
export async function reach<T>(connection: Connection, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (err instanceof CliError) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(`cannot reach the gateway at ${connection.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
}
