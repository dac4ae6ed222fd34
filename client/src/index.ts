/**
 * Logway's browser client: one ES module with no dependencies, served by the gateway at
 * /client/logway.js and importable from the package as `logway/client`.
 *
 *   import { Logway } from "/client/logway.js";
 *   const logway = new Logway();
 *   logway.subscribe("orders", { from: "earliest" }).on("records", (records) => show(records));
 *   await logway.produce("orders", { key: "customer-7", value: { total: 42 } });
 */
export { Logway, type LogwayOptions, type ProduceOptions } from './logway.js';
export { Subscription, type SubscribeOptions, type SubscriptionEvents, type SubscriptionState, type RecordsBatch } from './subscription.js';
export { LogwayError } from './errors.js';
export type { BackoffOptions } from './backoff.js';
export type { From, LogwayRecord, PartitionPosition, ProduceAck, ProduceRecord, Headers } from './types.js';
