/**
 * Splits a byte stream into NDJSON lines with bounded memory: only the unfinished line is
 * carried between reads, and one longer than `maxLineBytes` is refused as soon as it passes the
 * limit (not when its newline finally comes). Lines are yielded per read, as the bytes arrived,
 * so a caller can tell "the client has sent nothing more for now" (a `tail -F`) from "more is
 * already here" (a file), and commit accordingly.
 */
import { ErrorCode, GatewayError } from '../errors.js';

const NEWLINE = 0x0a;

export interface Line {
  /** 1-based, as editors and `sed -n Np` count. */
  number: number;
  /** Without its newline; may end in `\r` (JSON.parse takes it as whitespace). */
  bytes: Buffer;
}

export async function* ndjsonLines(body: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<Line[]> {
  let carried: Buffer[] = [];
  let carriedBytes = 0;
  let number = 0;
  for await (const chunk of body) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: Line[] = [];
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
      const piece = buf.subarray(start, nl);
      const length = carriedBytes + piece.length;
      number++;
      if (length > maxLineBytes) return yield* endWith(lines, lineTooLong(number, maxLineBytes));
      // A view, not a copy: each read is a buffer of its own (web streams hand over their chunks).
      lines.push({ number, bytes: carriedBytes === 0 ? piece : Buffer.concat([...carried, piece], length) });
      carried = [];
      carriedBytes = 0;
      start = nl + 1;
    }
    if (start < buf.length) {
      carriedBytes += buf.length - start;
      if (carriedBytes > maxLineBytes) return yield* endWith(lines, lineTooLong(number + 1, maxLineBytes));
      carried.push(buf.subarray(start));
    }
    if (lines.length > 0) yield lines;
  }
  // The last line needs no newline.
  if (carriedBytes > 0) yield [{ number: number + 1, bytes: Buffer.concat(carried, carriedBytes) }];
}

/** The complete lines before a line that is too long are still given, then the error. */
async function* endWith(lines: Line[], err: GatewayError): AsyncGenerator<Line[]> {
  if (lines.length > 0) yield lines;
  throw err;
}

function lineTooLong(number: number, maxLineBytes: number): GatewayError {
  const message = `line is over the limit of ${maxLineBytes} bytes (setting maxBodyBytes, which bounds each NDJSON line)`;
  return new GatewayError(ErrorCode.PAYLOAD_TOO_LARGE, `line ${number}: ${message}`, {
    line: number,
    limit: maxLineBytes,
    errors: [{ path: `body/lines/${number}`, message }],
  });
}
