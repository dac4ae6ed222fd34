/**
 * GET /metrics: Prometheus text exposition. The REST transport serves what `scrape` returns
 * and knows no metrics library (src/metrics builds it; gateway.ts passes it in).
 * With authentication on it needs describe on `cluster` (src/http/access.ts).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from './router.js';

export interface Scrape {
  (): Promise<{ contentType: string; text: string }>;
}

const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['health'],
  operationId: 'metrics',
  summary: 'Metrics in the Prometheus text format',
  responses: {
    200: {
      description: 'Prometheus text exposition format 0.0.4',
      content: { 'text/plain': { schema: z.string().openapi('PrometheusText') } },
    },
  },
});

export function metricsRoutes(scrape: Scrape) {
  return newRouter().openapi(metrics, async (c) => {
    const { contentType, text } = await scrape();
    return c.text(text, 200, { 'content-type': contentType });
  });
}
