/**
 * Client worker (see bench/lib/worker.ts): many WebSocket subscribers at once, for the
 * fan-out scenario and the delivery floor, so their sockets cost the client core, not
 * the bench process that drives the producer.
 * - `open {url, count}`: opens the sockets; `subscribed {count}` waits for that many
 *   "subscribed" frames (the gateway's; the floor server sends none).
 * - `done {last}`: waits until every socket has the record at offset `last`; answers the
 *   frames received, the wall-clock ms of the last arrival, and every frame's arrival
 *   as (epoch ms, last offset in it) pairs.
 */
import type WebSocket from 'ws';
import { epochMs, serveCommands } from '../lib/worker.js';
import { closeSockets, isSubscribedFrame, lastOffsetIn, openSockets, waitUntil } from '../lib/ws-clients.js';

let sockets: WebSocket[] = [];
let positions: number[] = [];
let arrivals: number[] = [];
let frames = 0;
let subscribed = 0;
let lastArrival = 0;

serveCommands({
  async open(args) {
    const { url, count } = args as { url: string; count: number };
    await closeSockets(sockets);
    positions = new Array<number>(count).fill(-1);
    arrivals = [];
    frames = 0;
    subscribed = 0;
    sockets = await openSockets(url, count, (i, frame) => {
      if (isSubscribedFrame(frame)) {
        subscribed++;
        return;
      }
      const last = lastOffsetIn(frame);
      if (last < 0) return;
      lastArrival = epochMs();
      frames++;
      arrivals.push(lastArrival, last);
      if (last > positions[i]!) positions[i] = last;
    });
    return { opened: count };
  },
  async subscribed(args) {
    await waitUntil(() => subscribed >= Number(args.count), 60_000, 'every subscription');
    return { subscribed };
  },
  async done(args) {
    const last = Number(args.last);
    await waitUntil(() => positions.every((p) => p >= last), 600_000, 'every socket to receive every record');
    return { frames, lastArrival, arrivals };
  },
  async close() {
    await closeSockets(sockets);
    sockets = [];
    return {};
  },
});
