/**
 * Produce from a streamed NDJSON body: one record per line, in the JSON body's record shape,
 * committed in chunks as lines arrive. Each chunk is one atomic produce; the body as a whole is
 * not. Memory is bounded by about two chunks (one being committed, the next being read) and one
 * line, whatever the body's size: the body is read only as fast as chunks commit.
 *
 * A chunk is sent when it is full (ndjsonChunkRecords / ndjsonChunkBytes), or when the client has
 * nothing more for now and no commit is under way, so a slow `tail -F` is committed line by line
 * while a fast upload fills whole chunks (the same trade group commit makes).
 *
 * A bad line ends the request: the valid lines before it are committed first, so the problem's
 * `linesCommitted` is always `line - 1` and a shipper resumes at the bad line once it is fixed.
 */
import type { Log } from '../core/log.js';
import { decodeProduceRecord, type ProduceRecord } from '../core/record-codec.js';
import { ErrorCode, GatewayError, type FieldError } from '../errors.js';
import { validationError } from '../api/validation-error.js';
import { ProduceRecordSchema } from '../api/schemas.js';
import { ndjsonLines, type Line } from './ndjson-lines.js';

export interface NdjsonSettings {
  chunkRecords: number;
  chunkBytes: number;
  maxLineBytes: number;
  maxRecordsPerRequest: number;
}

export interface NdjsonHooks {
  /** Charges a chunk's bytes to the caller's quota; throws RATE_LIMITED (with retryAfterSeconds) when over it. */
  charge?: (bytes: number) => void;
  /** Aborted when the gateway shuts down: the stream stops after the chunk under way. */
  signal?: AbortSignal;
}

/** Where a partition's committed records landed. Offsets are contiguous unless other producers wrote to it meanwhile. */
export interface PartitionRange {
  partition: number;
  count: number;
  firstOffset: number;
  lastOffset: number;
}

export interface NdjsonSummary {
  /** Lines read, blank ones included: all of them are committed. */
  lines: number;
  /** Records appended (blank lines are skipped). */
  appended: number;
  partitions: PartitionRange[];
}

interface Chunk {
  records: ProduceRecord[];
  /** Each record's line number. */
  lines: number[];
  bytes: number;
}

const newChunk = (): Chunk => ({ records: [], lines: [], bytes: 0 });

export async function ingestNdjson(
  log: Log,
  topic: string,
  body: ReadableStream<Uint8Array>,
  settings: NdjsonSettings,
  hooks: NdjsonHooks = {},
): Promise<NdjsonSummary> {
  const chunkRecords = Math.min(settings.chunkRecords, settings.maxRecordsPerRequest);
  const ranges = new Map<number, PartitionRange>();
  let recordsCommitted = 0;
  let linesRead = 0;
  /** The line number of the last committed record. */
  let committedThrough = 0;

  /** What has been committed so far, for a problem that ends the stream. */
  const progress = (linesCommitted: number) => ({
    linesCommitted,
    recordsCommitted,
    partitions: [...ranges.values()].sort((a, b) => a.partition - b.partition),
  });

  const commit = async (chunk: Chunk): Promise<void> => {
    if (chunk.records.length === 0) return;
    await paced(() => hooks.charge?.(chunk.bytes), ErrorCode.RATE_LIMITED, hooks.signal);
    try {
      const result = await paced(() => log.produce(topic, chunk.records), ErrorCode.OVERLOADED, hooks.signal);
      for (const p of result.positions) {
        const range = ranges.get(p.partition);
        if (range) {
          range.count++;
          range.lastOffset = p.offset;
        } else ranges.set(p.partition, { partition: p.partition, count: 1, firstOffset: p.offset, lastOffset: p.offset });
      }
      recordsCommitted += result.positions.length;
      committedThrough = chunk.lines[chunk.lines.length - 1]!;
    } catch (err) {
      // A record the core refused (a partition that does not exist, a record over maxRecordBytes):
      // commit the records before it, then report its line.
      const index = recordIndex(err);
      if (index === undefined) throw withProgress(err, progress(committedThrough));
      await commit({ records: chunk.records.slice(0, index), lines: chunk.lines.slice(0, index), bytes: 0 });
      throw badLine(err as GatewayError, chunk.lines[index]!, `body/lines/${chunk.lines[index]}`, progress(chunk.lines[index]! - 1));
    }
  };

  // At most one commit under way while the next chunk is read.
  let inflight: Promise<void> | undefined;
  let settled = true;
  const send = async (chunk: Chunk) => {
    if (inflight) await inflight;
    settled = false;
    inflight = commit(chunk).finally(() => (settled = true));
    inflight.catch(() => {}); // awaited before the next send or at the end
  };

  let chunk = newChunk();
  const reader = body.getReader();
  const batches = ndjsonLines(chunks(reader), settings.maxLineBytes)[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Line[]>;
      try {
        next = await nextOrAbort(batches, hooks.signal);
      } catch (err) {
        // A line over the limit, the client gone, or the gateway shutting down: commit what came before.
        if (inflight) await inflight;
        await commit(chunk);
        throw endedEarly(err, linesRead, progress);
      }
      if (next.done) break;
      for (const line of next.value) {
        linesRead = line.number;
        const record = parseLine(line);
        if (record instanceof GatewayError) {
          if (inflight) await inflight;
          await commit(chunk);
          throw badLine(record, line.number, undefined, progress(line.number - 1));
        }
        if (record === undefined) continue; // a blank line
        chunk.records.push(record);
        chunk.lines.push(line.number);
        chunk.bytes += line.bytes.length;
        if (chunk.records.length >= chunkRecords || chunk.bytes >= settings.chunkBytes) {
          await send(chunk);
          chunk = newChunk();
        }
      }
      // Nothing more arrived with this read: commit now unless a commit is under way (the next
      // reads then gather a larger chunk while it runs).
      if (settled && chunk.records.length > 0) {
        await send(chunk);
        chunk = newChunk();
      }
    }
    if (inflight) await inflight;
    await commit(chunk);
  } finally {
    // Stop reading the body (also a read still waiting on an idle client, after a shutdown).
    reader.cancel().catch(() => {});
  }
  return { lines: linesRead, appended: recordsCommitted, partitions: progress(linesRead).partitions };
}

async function* chunks(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/** An error that ends the stream, with how far it got (unless it says already). */
function withProgress(err: unknown, progress: Record<string, unknown>): unknown {
  if (!(err instanceof GatewayError) || 'linesCommitted' in err.details) return err;
  return new GatewayError(err.code, err.message, { ...err.details, ...progress }, { cause: err });
}

/** One line as a produce record; undefined for a blank line; a GatewayError naming its fields. */
function parseLine(line: Line): ProduceRecord | GatewayError | undefined {
  const text = line.bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const message = 'is not valid JSON';
    return new GatewayError(ErrorCode.INVALID_REQUEST, `body/lines/${line.number}: ${message}`, {
      errors: [{ path: `body/lines/${line.number}`, message }],
    });
  }
  const parsed = ProduceRecordSchema.safeParse(json);
  if (!parsed.success) return validationError(`body/lines/${line.number}`, parsed.error);
  try {
    return decodeProduceRecord(parsed.data);
  } catch (err) {
    if (err instanceof GatewayError) return renamed(err, `body/lines/${line.number}`);
    throw err;
  }
}

/** The record index a core error names (`records/3/partition` -> 3), if it names one. */
function recordIndex(err: unknown): number | undefined {
  if (!(err instanceof GatewayError)) return undefined;
  const path = (err.details.errors as FieldError[] | undefined)?.[0]?.path;
  const match = path === undefined ? null : /^records\/(\d+)(?:\/|$)/.exec(path);
  return match ? Number(match[1]) : undefined;
}

/** `records/0/value` (a record in a one-record request) -> `body/lines/12/value`. */
function renamed(err: GatewayError, linePath: string): GatewayError {
  const errors = ((err.details.errors as FieldError[] | undefined) ?? []).map((e) => ({
    ...e,
    path: e.path.replace(/^records\/\d+/, linePath),
  }));
  const first = errors[0];
  const detail = first ? `${first.path}: ${first.message}` : `${linePath}: ${err.message}`;
  return new GatewayError(err.code, detail, { ...err.details, errors });
}

/** The problem for a bad line, with how far the stream got. */
function badLine(err: GatewayError, line: number, linePath: string | undefined, progress: Record<string, unknown>): GatewayError {
  const named = linePath ? renamed(err, linePath) : err;
  const detail = named.message.startsWith(`body/lines/${line}`) ? named.message : `line ${line}: ${named.message}`;
  return new GatewayError(named.code, detail, { ...named.details, line, ...progress }, { cause: err });
}

/** The stream ended before its end: a line too long, the client gone, or a shutdown. */
function endedEarly(err: unknown, linesRead: number, progress: (lines: number) => Record<string, unknown>): unknown {
  if (err instanceof GatewayError && typeof err.details.line === 'number') {
    return badLine(err, err.details.line, undefined, progress(err.details.line - 1));
  }
  if (err instanceof GatewayError) return withProgress(err, progress(linesRead));
  // Reading the body failed: the client went away (nobody will read this answer) or cut it off.
  return new GatewayError(ErrorCode.INVALID_REQUEST, `the request body was cut off after line ${linesRead}`, progress(linesRead), {
    cause: err,
  });
}

/**
 * Runs `fn`, waiting and retrying while it throws `code` (over a quota, or too much waiting to be
 * written): a stream is paced rather than ended, as its client cannot resend what it already sent.
 */
async function paced<T>(fn: () => T | Promise<T>, code: ErrorCode, signal: AbortSignal | undefined): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof GatewayError && err.code === code) || signal?.aborted) throw err;
      const seconds = typeof err.details.retryAfterSeconds === 'number' ? err.details.retryAfterSeconds : 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(seconds * 1000, 1000)));
    }
  }
}

/** The next read, or UNAVAILABLE as soon as `signal` aborts (a `tail -F` may send nothing for hours). */
function nextOrAbort<T>(it: AsyncIterator<T>, signal: AbortSignal | undefined): Promise<IteratorResult<T>> {
  if (!signal) return it.next();
  const unavailable = () => new GatewayError(ErrorCode.UNAVAILABLE, 'the gateway is shutting down; resend from the line after linesCommitted');
  if (signal.aborted) return Promise.reject(unavailable());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(unavailable());
    signal.addEventListener('abort', onAbort, { once: true });
    it.next().then(
      (r) => (signal.removeEventListener('abort', onAbort), resolve(r)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}
