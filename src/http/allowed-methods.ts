/**
 * Which methods a path answers, for 405 Method Not Allowed: hono's router answers a known
 * path with an unregistered method as not found, but RFC 9110 15.5.6 asks for 405 with an
 * `Allow` header listing the methods the resource does support.
 */

interface RouteEntry {
  method: string;
  path: string;
}

/** `/v1/topics/:topic/records` -> a matcher for one concrete path. */
function pathPattern(path: string): RegExp {
  const segments = path.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s === '*' ? '.*' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}$`);
}

/**
 * Built once from the app's routes (middleware, registered for ALL methods, is left out).
 * Returns the methods the path answers, in a stable order; HEAD goes with GET, which
 * hono answers for it. Empty when no route has the path.
 */
export function allowedMethods(routes: readonly RouteEntry[]): (path: string) => string[] {
  const byPattern = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const r of routes) {
    if (r.method === 'ALL') continue;
    let entry = byPattern.get(r.path);
    if (!entry) byPattern.set(r.path, (entry = { pattern: pathPattern(r.path), methods: new Set() }));
    entry.methods.add(r.method);
    if (r.method === 'GET') entry.methods.add('HEAD');
  }
  const order = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  return (path) => {
    const methods = new Set<string>();
    for (const { pattern, methods: m } of byPattern.values()) if (pattern.test(path)) for (const x of m) methods.add(x);
    return [...methods].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  };
}
