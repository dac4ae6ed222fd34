/**
 * Probes for features other work streams are still building, so a scenario whose
 * endpoint does not exist yet reports "skipped: <reason>" instead of failing.
 */
import WebSocket from 'ws';

/** True when the gateway upgrades GET /v1/topics/{topic}/ws (the topic must exist). */
export async function hasTopicWebSocket(baseUrl: string, topic: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/v1/topics/${topic}/ws?from=latest`, { perMessageDeflate: false });
    ws.once('open', () => {
      ws.terminate();
      resolve(true);
    });
    ws.once('unexpected-response', (req) => {
      req.destroy();
      resolve(false);
    });
    ws.once('error', () => resolve(false));
  });
}

/** True when consumer groups are served: an unknown group answers with a group error, not "no route". */
export async function hasConsumerGroups(baseUrl: string): Promise<boolean> {
  const res = await fetch(`${baseUrl}/v1/groups`);
  await res.arrayBuffer();
  return res.status === 200;
}
