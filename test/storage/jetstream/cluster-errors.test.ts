/**
 * How the cluster store waits for a stream it has just made to settle (cluster-errors.ts): a request the
 * cluster answers with "stream not found" or does not answer in time is tried again until the settle time
 * is spent; any other failure is the caller's at once. The errors are the client library's own classes.
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { TimeoutError } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { whileStreamSettles } from '../../../src/storage/jetstream/cluster-errors.js';

const streamNotFound = () => new JetStreamApiError({ code: 404, err_code: JetStreamApiCodes.StreamNotFound, description: 'stream not found' });

/** Work that fails with the given errors, one per call, then answers 'done'. */
function failing(...errors: Error[]) {
  const work = async () => {
    work.calls++;
    const err = errors.shift();
    if (err) throw err;
    return 'done';
  };
  work.calls = 0;
  return work;
}

describe('whileStreamSettles', () => {
  it('tries again after "stream not found" and after a request nobody answered in time', async () => {
    const work = failing(streamNotFound(), new TimeoutError(), new TimeoutError());
    await expect(whileStreamSettles(work, 5_000)).resolves.toBe('done');
    expect(work.calls).toBe(4);
  });

  it('passes any other failure on at once', async () => {
    const work = failing(new Error('permissions violation'));
    await expect(whileStreamSettles(work, 5_000)).rejects.toThrow('permissions violation');
    expect(work.calls).toBe(1);
  });

  it('gives up with the last failure once the settle time is spent', async () => {
    const work = failing(...Array.from({ length: 100 }, () => new TimeoutError()));
    await expect(whileStreamSettles(work, 250)).rejects.toBeInstanceOf(TimeoutError);
    expect(work.calls).toBeGreaterThan(1);
    expect(work.calls).toBeLessThan(100);
  });
});
