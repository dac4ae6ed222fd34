/**
 * `logway produce`: stdin's lines become records, streamed to the gateway as one NDJSON body
 * (committed in chunks as lines arrive, so `tail -F app.log | logway produce logs` works).
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { CliError, ok, type LogwayClient } from './client.js';

export interface ProduceOptions {
  key?: string;
  partition?: number;
  /** Each line is a text value (else a JSON value). */
  raw?: boolean;
}

export async function produce(client: LogwayClient, topic: string, input: Readable, options: ProduceOptions) {
  let badLine: CliError | undefined;
  const encoder = new TextEncoder();
  const lines = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  let number = 0;
  // Pulled by fetch as it sends: stdin is read no faster than the gateway takes the lines.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) return controller.close();
      number++;
      let value: unknown = next.value;
      if (!options.raw) {
        if (next.value.trim() === '') return; // a blank line: nothing to send
        try {
          value = JSON.parse(next.value);
        } catch {
          // The lines before it are committed: end the body there and say which line.
          badLine = new CliError(`line ${number} is not JSON (use --raw to send lines as text)`);
          return controller.close();
        }
      }
      const record = { ...(options.key !== undefined ? { key: options.key } : {}), ...(options.partition !== undefined ? { partition: options.partition } : {}), value };
      controller.enqueue(encoder.encode(JSON.stringify(record) + '\n'));
    },
  });
  const result = await client.POST('/v1/topics/{topic}/records', {
    params: { path: { topic } },
    body: body as never,
    bodySerializer: (b: unknown) => b as never,
    headers: { 'content-type': 'application/x-ndjson' },
    // Needed by fetch for a streamed request body.
    duplex: 'half',
  } as never);
  const summary = ok(result as { data?: unknown; error?: unknown; response: Response });
  if (badLine) throw new CliError(`${badLine.message}; ${JSON.stringify(summary)}`);
  return summary;
}
