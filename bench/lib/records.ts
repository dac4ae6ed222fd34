/** The workload's records: values of exactly 200 bytes as stored (JSON text of a string). */

export const VALUE_BYTES = 200;

/** JSON text of a string value, `VALUE_BYTES` long including its quotes, varied per index. */
export function valueText(i: number): string {
  const tag = `r${i}-`;
  return JSON.stringify(tag + 'x'.repeat(VALUE_BYTES - 2 - tag.length));
}

/** A produce request body with `count` records (no key: spread round-robin, as most event producers send). */
export function produceBody(count: number, seed = 0): string {
  const parts: string[] = new Array(count);
  for (let i = 0; i < count; i++) parts[i] = `{"value":${valueText(seed + i)}}`;
  return `{"records":[${parts.join(',')}]}`;
}
