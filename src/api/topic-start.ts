/**
 * Where a topic read starts, as every transport spells it: `earliest`, `latest`, `time:<epoch-ms>`,
 * or `cursor:<cursor>` (the position a read answered; see core/cursor.ts). Shared by REST topic
 * reads, Server-Sent Events and WebSocket, so a cursor from one works in the others.
 */
import { z } from '@hono/zod-openapi';
import type { TopicStart } from '../core/topic-reader.js';
import { checkedString } from './schemas.js';

export type StartOrCursor = TopicStart | { kind: 'cursor'; cursor: string };

const DIGITS = /^\d{1,16}$/;
const CURSOR_TEXT = /^[A-Za-z0-9_-]+$/;

export const FROM_RULE = "must be 'earliest', 'latest', 'time:<epoch-ms>' or 'cursor:<cursor>'";

/** The start `text` names, or the reason it names none. */
export function parseTopicStart(text: string): StartOrCursor | string {
  if (text === 'earliest' || text === 'latest') return { kind: text };
  if (text.startsWith('time:')) {
    const ms = text.slice(5);
    if (!DIGITS.test(ms) || !Number.isSafeInteger(Number(ms))) return 'time:<epoch-ms> needs an integer number of milliseconds';
    return { kind: 'time', timestamp: Number(ms) };
  }
  if (text.startsWith('cursor:')) {
    const cursor = text.slice(7);
    // The cursor's contents are checked against the topic later (INVALID_CURSOR); only its alphabet here.
    if (!CURSOR_TEXT.test(cursor)) return 'cursor:<cursor> needs a cursor (base64url text) as a read answered it';
    return { kind: 'cursor', cursor };
  }
  return FROM_RULE;
}

const reasonOf = (parsed: unknown) => (typeof parsed === 'string' ? parsed : undefined);

/** `from` of a topic read: validated as text, parsed with parseTopicStart. */
export const TopicFromQuery = checkedString((text) => reasonOf(parseTopicStart(text)));

export const CursorSchema = z.string().min(1).openapi('Cursor', {
  description:
    'An opaque, URL-safe position in a topic (the next offset of each partition read), versioned. Every topic read answers one; ' +
    'pass it back to continue, over REST (`cursor=`), Server-Sent Events (`Last-Event-ID` or `from=cursor:<c>`) or WebSocket (`from=cursor:<c>`).',
  example: 'AQFC_r_mTm8DAAUBBwEE',
});

export const PositionResetSchema = z
  .object({
    partition: z.number().int().min(0),
    offset: z.number().int().min(0).openapi({ description: 'Where the cursor pointed.' }),
    logStartOffset: z.number().int().min(0).openapi({ description: 'Where reading resumed: records before it were deleted by retention.' }),
  })
  .openapi('PositionReset', {
    description: 'A partition whose position was older than retention: reading resumed at its log start, skipping the deleted records.',
  });
