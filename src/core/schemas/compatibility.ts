/**
 * Confluent's compatibility levels over the per-format check `reader.canRead(writer)`:
 * BACKWARD: the new schema reads data written with the previous one (consumers upgrade first);
 * FORWARD: the previous schema reads data written with the new one (producers upgrade first);
 * FULL: both. Plain levels compare with the latest live version, _TRANSITIVE ones with every live version.
 */
import type { CompatibilityLevel } from '../../storage/schema-store.js';
import type { ParsedSchema } from './format.js';

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

/** Why `candidate` may not follow `previous` (live versions, oldest first) at `level`; [] when it may. */
export function compatibilityProblems(level: CompatibilityLevel, candidate: ParsedSchema, previous: { version: number; schema: ParsedSchema }[]): string[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  for (const { version, schema } of against) {
    if (backward) for (const p of candidate.canRead(schema)) problems.push(`${level}: the new schema cannot read data written with version ${version}: ${p}`);
    if (forward) for (const p of schema.canRead(candidate)) problems.push(`${level}: version ${version} cannot read data written with the new schema: ${p}`);
  }
  return problems;
}
