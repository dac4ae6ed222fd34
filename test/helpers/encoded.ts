/** The records of an EncodedRecords' JSON (array elements without brackets), parsed. */
export function parseEncoded<T = Record<string, unknown>>(json: Uint8Array): T[] {
  return JSON.parse(`[${Buffer.from(json).toString('utf8')}]`) as T[];
}
