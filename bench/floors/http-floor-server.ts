/**
 * HTTP floor server (run as a child process): a bare hono app on @hono/node-server
 * that parses produce bodies and validates them with the gateway's own zod record
 * schema, then drops them. No store, no partitioning, no group commit.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { z } from 'zod';
import { ProduceRecordSchema } from '../../src/api/schemas.js';

const ProduceRequestSchema = z.strictObject({ records: z.array(ProduceRecordSchema).min(1) });

const app = new Hono();
app.post('/v1/topics/:topic/records', async (c) => {
  const parsed = ProduceRequestSchema.safeParse(await c.req.json());
  if (!parsed.success) return c.json({ error: parsed.error.issues[0]?.message }, 400);
  return c.json({ topic: c.req.param('topic'), records: parsed.data.records.length }, 200);
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${info.port}` }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
