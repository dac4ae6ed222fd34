/** Assertions for RFC 9457 problem details (application/problem+json). */
import { expect } from 'vitest';

export interface ProblemResponse {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * Asserts a problem response: the status, the content type, the members every problem has,
 * the stable `code`, and (when given) that the problem names the field: in `errors[].path`
 * or in the detail sentence.
 */
export function expectProblem(res: ProblemResponse, status: number, code: string, field?: string | RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = res.body as Record<string, unknown>;
  expect(body).toMatchObject({ status, code });
  expect(typeof body.type).toBe('string');
  expect((body.type as string).length).toBeGreaterThan(0);
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  // Never leak internals.
  expect(JSON.stringify(body)).not.toMatch(/SQLITE|at .+\.ts:\d+|stack/i);
  if (field !== undefined) {
    const errors = (body.errors as { path: string; message: string }[] | undefined) ?? [];
    const texts = [body.detail as string, ...errors.flatMap((e) => [e.path, e.message])];
    const matches = (t: string) => (typeof field === 'string' ? t.includes(field) : field.test(t));
    expect(texts.some(matches), `problem should name ${String(field)}: ${JSON.stringify(body)}`).toBe(true);
  }
}

/** Sends a raw body (not JSON-encoded) and parses the answer. */
export async function rawRequest(
  url: string,
  method: string,
  body: BodyInit | undefined,
  headers: Record<string, string> = {},
): Promise<ProblemResponse> {
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
