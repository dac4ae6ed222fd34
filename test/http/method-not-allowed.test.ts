/** A known path with a method it does not answer: 405 with `Allow` (RFC 9110 15.5.6), not 404. */
import { describe, expect, it } from 'vitest';
import { allowedMethods } from '../../src/http/allowed-methods.js';
import { startGateway } from '../helpers/gateway.js';
import { expectProblem } from '../helpers/problem.js';

describe('405 Method Not Allowed', () => {
  it('answers a wrong method on an existing path with 405, problem details and Allow', async () => {
    const { json } = await startGateway();
    const cases: [method: string, path: string, allow: string][] = [
      ['PUT', '/v1/topics', 'GET, HEAD, POST'],
      ['PUT', '/v1/topics/orders/records', 'GET, HEAD, POST'],
      ['DELETE', '/v1/topics/orders/partitions/0/records', 'GET, HEAD'],
      ['POST', '/v1/topics/orders', 'GET, HEAD, PATCH, DELETE'],
      ['GET', '/v1/groups/g/offsets/reset', 'POST'],
      ['PUT', '/v1/groups/g/offsets', 'GET, HEAD, POST'],
      ['POST', '/v1/ws', 'GET, HEAD'],
      ['DELETE', '/healthz', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await json(method, path);
      expectProblem(res, 405, 'METHOD_NOT_ALLOWED', method);
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect(res.body.allow).toEqual(allow.split(', '));
    }
  });

  it('still answers 404 for a path no route has', async () => {
    const { json } = await startGateway();
    for (const path of ['/v2/nothing', '/v1/topics/orders/nothing', '/v1/topics/', '/v1/topics/a/b/c/d/e/f']) {
      const res = await json('GET', path);
      expectProblem(res, 404, 'NOT_FOUND');
      expect(res.headers.get('allow')).toBeNull();
    }
  });

  it('matches parameters one segment each, and wildcards any rest', () => {
    const allowed = allowedMethods([
      { method: 'ALL', path: '/*' },
      { method: 'GET', path: '/a/:id' },
      { method: 'DELETE', path: '/a/:id' },
      { method: 'POST', path: '/files/*' },
      { method: 'GET', path: '/x.y' },
    ]);
    expect(allowed('/a/1')).toEqual(['GET', 'HEAD', 'DELETE']);
    expect(allowed('/a/1/2')).toEqual([]);
    expect(allowed('/files/a/b')).toEqual(['POST']);
    expect(allowed('/x.y')).toEqual(['GET', 'HEAD']);
    expect(allowed('/xzy')).toEqual([]);
    expect(allowed('/anything')).toEqual([]);
  });
});
