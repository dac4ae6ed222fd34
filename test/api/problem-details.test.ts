/** RFC 9457 problem documents: the standard members come from the error code, whatever the details say. */
import { describe, expect, it } from 'vitest';
import { ErrorCode, GatewayError } from '../../src/errors.js';
import { PROBLEM_CONTENT_TYPE, problemResponse, toProblem } from '../../src/api/problem-details.js';

describe('toProblem', () => {
  it('keeps type, title, status, detail and code when the details carry members of the same names', async () => {
    const err = new GatewayError(ErrorCode.TOPIC_NOT_FOUND, "topic 'a' does not exist", {
      topic: 'a',
      type: 'about:blank',
      title: 'OK',
      status: 200,
      detail: 'fine',
      code: 'NOT_AN_ERROR',
    });
    expect(toProblem(err)).toEqual({
      type: 'urn:logway:problem:topic-not-found',
      title: 'Topic not found',
      status: 404,
      detail: "topic 'a' does not exist",
      code: 'TOPIC_NOT_FOUND',
      topic: 'a',
    });
    const res = problemResponse(err);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
    expect(await res.json()).toMatchObject({ status: 404, code: 'TOPIC_NOT_FOUND' });
  });
});
