/**
 * How cluster failures become the gateway's errors: anything the cluster could not do in time (no
 * quorum, a node gone, a closed connection) is UNAVAILABLE with a Retry-After, never a 500, and
 * a revision or sequence check that failed is told apart so that callers can resync and retry.
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { TimeoutError } from '@nats-io/transport-node';
import { ErrorCode, GatewayError } from '../../errors.js';

/** A publish or KV write whose expected last sequence (or revision) was not the stream's. */
export function isWrongLastSequence(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence;
}

/**
 * A compare-and-set KV write another writer beat: an update at a stale revision, or a create of a key that
 * exists (the KV client reports that one as an error whose message says so, not as an API code).
 */
export function isLostWriteRace(err: unknown): boolean {
  return isWrongLastSequence(err) || /exists/i.test(String((err as Error).message));
}

export function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}

/** JSStreamMsgDeleteFailedF: a delete failed; nats-server 2.9 says why in words ("sequence 3 not found"). */
const MSG_DELETE_FAILED = 10043;

/** A message asked for (to get or delete) is not in the stream (deleted already, say). */
export function isNoMessageFound(err: unknown): boolean {
  if (!(err instanceof JetStreamApiError)) return false;
  return err.code === JetStreamApiCodes.NoMessageFound || (err.code === MSG_DELETE_FAILED && /not found/.test(err.message));
}

/**
 * The partition's stream no longer exists: its topic was deleted (the topic's entry goes first, then its
 * streams), so a writer that still knew the topic meets this instead of a quorum problem. Never retried.
 */
export class StreamGoneError extends Error {
  constructor(stream: string) {
    super(`stream ${stream} no longer exists`);
  }
}

/**
 * The stream's leader holds fewer batches than this gateway already saw stored: a replica that missed
 * acknowledged batches was elected (nats-server 2.9.10 can leave one frozen after a network partition
 * while calling it current: docs/cluster.md). Writing on it would reuse acknowledged offsets and reading
 * would serve a shorter log, so both wait, and fail with UNAVAILABLE, until a complete replica leads.
 */
export class StaleLeaderError extends Error {
  constructor(stream: string, lastSeq: number, seen: number) {
    super(`the leader of stream ${stream} ends at sequence ${lastSeq}, below sequence ${seen} already stored: a replica missing acknowledged batches leads it`);
  }
}

/**
 * Runs `work` again, for up to `settleMs`, while the cluster answers that a stream it has just created
 * does not exist, or does not answer in time: on a busy cluster a new stream's assignment reaches the
 * node that serves the next request a moment later, and a request to a replicated stream whose leader
 * is still being elected gets no answer (seen: the watch on a namespace's new metadata bucket, made right
 * after it, timed out on a cluster started a moment before under a loaded CI machine).
 */
export async function whileStreamSettles<T>(work: () => Promise<T>, settleMs = 10_000): Promise<T> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      const settling = isStreamNotFound(err) || err instanceof TimeoutError;
      if (!settling || Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export function isMessageNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.NoMessageFound;
}

/** A GatewayError passes through; anything else from the cluster is UNAVAILABLE (503 + Retry-After). */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new GatewayError(ErrorCode.UNAVAILABLE, `the NATS cluster did not complete the operation: ${reason}`, { retryAfterSeconds: 1 }, { cause: err });
}
