/**
 * `npx tsx bench/profile-top.ts <file.cpuprofile> [n] [--since <s>]`: the functions with the most
 * self time in a `node --cpu-prof` profile (as written by `npm run bench -- --profile`),
 * and the same grouped by file, to find where a scenario's CPU goes.
 *
 * `--since`: only the samples taken that many seconds or more after the profile began. A
 * scenario's profile spans the gateway's whole life, start-up and set-up included (parking 1,000
 * tailers read the store: 5% of the `tailers` profile, none of it while the producers were measured).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { since: { type: 'string', default: '0' } } });
const [file, n = '25'] = positionals;
const sinceSec = Number(values.since);
if (!file || !Number.isFinite(sinceSec) || sinceSec < 0) {
  process.stderr.write('usage: tsx bench/profile-top.ts <file.cpuprofile> [n] [--since <seconds>]\n');
  process.exit(2);
}
/** timeDeltas: microseconds from the previous sample (the first from the profile's start). */
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const hits = new Map<number, number>();
let elapsedUs = 0;
let total = 0;
profile.samples.forEach((id, i) => {
  elapsedUs += profile.timeDeltas[i] ?? 0;
  if (elapsedUs < sinceSec * 1e6) return;
  hits.set(id, (hits.get(id) ?? 0) + 1);
  total++;
});
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const node of profile.nodes) {
  const count = hits.get(node.id) ?? 0;
  if (!count) continue;
  const where = node.callFrame.url.replace(/^.*\/(node_modules\/)/, '$1').replace(/^file:\/\/.*\/(src|bench|dist)\//, '$1/');
  const fn = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + count);
  const pkg = where.startsWith('node_modules/') ? where.split('/').slice(0, where.split('/')[1]!.startsWith('@') ? 3 : 2).join('/') : where || node.callFrame.functionName;
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + count);
}
const show = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title} (of ${total} samples)\n`);
  for (const [name, count] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) {
    process.stdout.write(`${((count / total) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
  }
};
// Inclusive time: a function's samples plus its callees', counted once per stack.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
const inclusive = new Map<string, number>();
for (const [id, count] of hits) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = nodeById.get(at)!.callFrame;
    const where = frame.url.replace(/^.*\/(node_modules\/)/, '$1').replace(/^file:\/\/.*\/(src|bench|dist)\//, '$1/');
    const fn = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    if (seen.has(fn)) continue;
    seen.add(fn);
    inclusive.set(fn, (inclusive.get(fn) ?? 0) + count);
  }
}
show('self time by function', byFunction);
show('inclusive time by function', inclusive);
show('self time by file or package', byFile);
