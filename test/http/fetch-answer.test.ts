import { describe, expect, it } from 'vitest';
import type { FetchResult } from '../../src/core/log.js';
import { fetchAnswerBody } from '../../src/http/fetch-answer.js';

const records = Buffer.from('{"partition":0,"offset":7,"timestamp":1,"key":null,"value":"a","headers":null}');
const result = (json: Buffer, highWatermark: number): FetchResult => ({ json, count: 1, nextOffset: 8, highWatermark, logStartOffset: 0 });

describe('fetch answer body', () => {
  it('is the records between the FetchResponse head and its offsets', () => {
    expect(JSON.parse(fetchAnswerBody(result(records, 9)).toString())).toEqual({
      records: [{ partition: 0, offset: 7, timestamp: 1, key: null, value: 'a', headers: null }],
      nextOffset: 8,
      highWatermark: 9,
      logStartOffset: 0,
    });
  });

  it('is built once for the polls handed the same records and offsets', () => {
    const shared = Buffer.from(records);
    expect(fetchAnswerBody(result(shared, 9))).toBe(fetchAnswerBody(result(shared, 9)));
  });

  it('is built again when the same records come with other offsets', () => {
    const shared = Buffer.from(records);
    const first = fetchAnswerBody(result(shared, 9));
    const later = fetchAnswerBody(result(shared, 12));
    expect(later).not.toBe(first);
    expect(JSON.parse(later.toString()).highWatermark).toBe(12);
    expect(JSON.parse(first.toString()).highWatermark).toBe(9);
  });
});
