/**
 * HTTP floor server (run as a child process): a bare hono app on @hono/node-server
 * that parses produce bodies and drops them. No store, no partitioning, no group commit.
 * `--validate none` (the floor): JSON.parse and a check of the records array's length,
 * the least any produce endpoint must do. `--validate zod`: the gateway's own zod record
 * schema too, shown beside it to price validation.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { z } from 'zod';
import { ProduceRecordSchema } from '../../src/api/schemas.js';

const ProduceRequestSchema = z.strictObject({ records: z.array(ProduceRecordSchema).min(1) });
const MAX_RECORDS = 10_000;
const zod = process.argv.includes('zod');

const app = new Hono();
app.post('/v1/topics/:topic/records', async (c) => {
  const body = (await c.req.json()) as { records?: unknown };
  if (zod) {
    const parsed = ProduceRequestSchema.safeParse(body);
    if (!parsed.success) return c.json({ error: parsed.error.issues[0]?.message }, 400);
  }
  const records = body.records;
  if (!Array.isArray(records) || records.length < 1 || records.length > MAX_RECORDS) return c.json({ error: 'records' }, 400);
  return c.json({ topic: c.req.param('topic'), records: records.length }, 200);
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${info.port}` }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
