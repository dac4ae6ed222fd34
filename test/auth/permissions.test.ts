import { describe, expect, it } from 'vitest';
import { allows, checkResourcePattern, missingFrom, parsePermissions, type Permission } from '../../src/auth/permissions.js';

const topic = (name: string) => ({ kind: 'topic' as const, name });
const group = (name: string) => ({ kind: 'group' as const, name });

describe('allows: deny by default, literal and prefix patterns (Kafka ACLs)', () => {
  const grants: Permission[] = [
    { resource: 'topic:orders', actions: ['read'] },
    { resource: 'topic:logs.*', actions: ['write'] },
    { resource: 'group:ui', actions: ['read'] },
  ];

  it.each([
    ['a literal grant', topic('orders'), 'read', true],
    ['another action on a literal grant', topic('orders'), 'write', false],
    ['a name that only starts like a literal', topic('orders2'), 'read', false],
    ['a name under a prefix', topic('logs.app'), 'write', true],
    ['the bare prefix itself', topic('logs.'), 'write', true],
    ['a longer name that does not continue the prefix (logs.* vs logsX)', topic('logsX'), 'write', false],
    ['a topic named like the prefix without its dot', topic('logs'), 'write', false],
    ['a group grant does not reach a topic of the same name', topic('ui'), 'read', false],
    ['a group grant', group('ui'), 'read', true],
    ['nothing granted on the cluster', { kind: 'cluster' as const }, 'admin', false],
  ] as const)('%s', (_what, resource, action, expected) => {
    expect(allows(grants, resource, action)).toBe(expected);
  });

  it('read, write and admin each imply describe; nothing else is implied', () => {
    expect(allows([{ resource: 'topic:t', actions: ['write'] }], topic('t'), 'describe')).toBe(true);
    expect(allows([{ resource: 'topic:t', actions: ['admin'] }], topic('t'), 'describe')).toBe(true);
    expect(allows([{ resource: 'topic:t', actions: ['admin'] }], topic('t'), 'read')).toBe(false);
    expect(allows([{ resource: 'topic:t', actions: ['describe'] }], topic('t'), 'read')).toBe(false);
  });

  it('topic:* and group:* match every name; cluster matches the cluster only', () => {
    expect(allows([{ resource: 'topic:*', actions: ['read'] }], topic('anything'), 'read')).toBe(true);
    expect(allows([{ resource: 'group:*', actions: ['read'] }], topic('anything'), 'read')).toBe(false);
    expect(allows([{ resource: 'cluster', actions: ['admin'] }], { kind: 'cluster' }, 'admin')).toBe(true);
    expect(allows([{ resource: 'cluster', actions: ['admin'] }], topic('t'), 'admin')).toBe(false);
  });
});

describe('resource patterns', () => {
  it.each(['cluster', 'topic:orders', 'topic:logs.*', 'topic:*', 'group:ui', 'group:*'])('accepts %s', (p) => {
    expect(checkResourcePattern(p)).toBeUndefined();
  });
  it.each(['', 'topics:orders', 'topic:', 'topic:a*b', 'topic:**', 'topic:a b', 'cluster:x', 'orders'])('refuses %j', (p) => {
    expect(checkResourcePattern(p)).toBeTypeOf('string');
  });
});

describe('missingFrom: what a new key or token would grant beyond its creator', () => {
  const held: Permission[] = [
    { resource: 'topic:logs.*', actions: ['read', 'write'] },
    { resource: 'group:ui', actions: ['read'] },
  ];

  it('nothing is missing for a subset, including a narrower prefix and describe', () => {
    expect(
      missingFrom(
        [
          { resource: 'topic:logs.app', actions: ['read'] },
          { resource: 'topic:logs.app.*', actions: ['write', 'describe'] },
          { resource: 'group:ui', actions: ['read'] },
        ],
        held,
      ),
    ).toEqual([]);
  });

  it('names each resource and action beyond what is held', () => {
    expect(
      missingFrom(
        [
          { resource: 'topic:logs*', actions: ['read'] }, // wider than logs.*
          { resource: 'topic:logs.app', actions: ['admin'] },
          { resource: 'group:*', actions: ['read'] },
          { resource: 'cluster', actions: ['admin'] },
        ],
        held,
      ),
    ).toEqual([
      { resource: 'topic:logs*', action: 'read' },
      { resource: 'topic:logs.app', action: 'admin' },
      { resource: 'group:*', action: 'read' },
      { resource: 'cluster', action: 'admin' },
    ]);
  });
});

describe('parsePermissions (a JWT claim is untrusted JSON)', () => {
  it('accepts a well-formed list', () => {
    expect(parsePermissions([{ resource: 'topic:a', actions: ['read'] }])).toEqual([{ resource: 'topic:a', actions: ['read'] }]);
  });
  it.each([
    ['not a list', { resource: 'topic:a' }],
    ['a bad pattern', [{ resource: 'topic:a*b', actions: ['read'] }]],
    ['an unknown action', [{ resource: 'topic:a', actions: ['delete'] }]],
    ['no actions', [{ resource: 'topic:a' }]],
  ])('refuses %s', (_what, value) => {
    expect(parsePermissions(value)).toBeTypeOf('string');
  });
});
