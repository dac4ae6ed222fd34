/**
 * Generated from openapi.yaml by openapi-typescript (`npm run openapi:gen`). Do not edit:
 * test/http/openapi-client.test.ts fails when this file differs from what openapi.yaml generates.
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alive: the process answers */
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Ready: the store takes writes (SQLite: the file is writable; JetStream: a quorum stores a probe write) and the gateway is not shutting down. With `topic`, on a cluster: every partition of the topic has a quorum. */
        get: operations["readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Metrics in the Prometheus text format
         * @description **Requires:** describe on cluster.
         */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List topics with their partition counts, records and bytes, in pages
         * @description Topics in name order, each with its partition count, records, records ever appended (for throughput) and bytes. With `limit`, one page at a time: pass `nextCursor` back as `cursor`. `partitionOffsets=false` leaves out the per-partition bounds, so a page stays small however many partitions its topics have.
         *
         *     **Requires:** describe on each topic listed; the others are left out.
         */
        get: operations["listTopics"];
        put?: never;
        /**
         * Create a topic
         * @description **Requires:** admin on topic:{name}.
         */
        post: operations["createTopic"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topic}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Describe a topic, with each partition’s log start offset and high watermark
         * @description **Requires:** describe on topic:{topic}.
         */
        get: operations["getTopic"];
        put?: never;
        post?: never;
        /**
         * Delete a topic, its records and every group’s offsets for it
         * @description **Requires:** admin on topic:{topic}.
         */
        delete: operations["deleteTopic"];
        options?: never;
        head?: never;
        /**
         * Change a topic’s config or raise its partition count
         * @description **Requires:** admin on topic:{topic}.
         */
        patch: operations["updateTopic"];
        trace?: never;
    };
    "/v1/topics/{topic}/partitions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A page of a topic’s partitions with their bounds and bytes
         * @description **Requires:** describe on topic:{topic}.
         */
        get: operations["listPartitions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topic}/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The OpenAPI document specialised for this topic: record values typed by its schema
         * @description For a topic bound to a schema (valueSchemaValidation), the produce body's records and the records of fetch, topic read, key and snapshot answers carry the JSON Schema of the latest version of subject `<topic>-value` (Avro and Protobuf converted: see docs/schemas.md), and those operations' `topic` parameter names this topic only: openapi-typescript on it makes a client whose record values are typed. For any other topic, the generic document (GET /openapi.json).
         *
         *     **Requires:** read on topic:{topic} (the document shows its schema).
         */
        get: operations["getTopicOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topic}/openapi.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The same document as openapi.json, in YAML
         * @description For a topic bound to a schema (valueSchemaValidation), the produce body's records and the records of fetch, topic read, key and snapshot answers carry the JSON Schema of the latest version of subject `<topic>-value` (Avro and Protobuf converted: see docs/schemas.md), and those operations' `topic` parameter names this topic only: openapi-typescript on it makes a client whose record values are typed. For any other topic, the generic document (GET /openapi.json).
         *
         *     **Requires:** read on topic:{topic} (the document shows its schema).
         */
        get: operations["getTopicOpenApiYaml"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topic}/snapshot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A consistent snapshot of the latest record per key, in pages, with the offsets to continue live from
         * @description **Requires:** read on topic:{topic}.
         */
        get: operations["getSnapshot"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topic}/keys/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The latest record of a key (from the key index: the cost does not grow with the partition)
         * @description **Requires:** read on topic:{topic}.
         */
        get: operations["getKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topic}/records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read every partition of a topic from a cursor, fairly; long-polls with waitMs
         * @description The first read starts at `from` (default earliest); each answer carries the `cursor` to pass to the next. The record and byte budgets are shared among the partitions that have records, so a busy partition does not starve a quiet one. A cursor older than retention resumes at the log start and the answer says so in `reset`.
         *
         *     **Requires:** read on topic:{topic}.
         */
        get: operations["readTopic"];
        put?: never;
        /**
         * Append records atomically; answered once they are on disk
         * @description **Requires:** write on topic:{topic}; the body counts against the produce-bytes quota.
         */
        post: operations["produceRecords"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topic}/partitions/{partition}/records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read records in offset order; long-polls with waitMs
         * @description **Requires:** read on topic:{topic}.
         */
        get: operations["fetchRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topic}/partitions/{partition}/offsets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Kafka's ListOffsets: earliest, latest, and the first offset at or after a timestamp
         * @description **Requires:** describe on topic:{topic}.
         */
        get: operations["getPartitionOffsets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topic}/ws": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * WebSocket: stream one topic from a position, or as a consumer group member
         * @description `new WebSocket("ws://host:8080/v1/topics/orders/ws?from=earliest")`. Every frame is JSON text with a `type`. The server sends WsServerMessage (records arrive as `{"type":"records","records":[...]}` in offset order per partition, no gap and no duplicate within a socket); the client may send WsCommand. Close codes: 1000 normal, 1001 gateway shutting down, 1003 binary frame, 1008 too slow (send buffer over wsMaxBufferedBytes), 1009 frame over wsMaxMessageBytes, 1011 internal error, 1013 too many sockets, 4000 + the HTTP status of the error code for a bad handshake or a lost subscription (4400 bad query, 4401 credential revoked or expired, 4404 unknown topic or partition, 4416 offset out of range, 4409 fenced group member or a new group beyond groupMaxGroups, 4429 too many sockets for one principal (quotaMaxSocketsPerPrincipal), 4503 NOT_COORDINATOR: another gateway of the cluster coordinates the group, named in the error message's coordinator field). Subprotocol `logway.v1` is selected when offered.
         *
         *     **Requires:** read on topic:{topic}; with ?group=, read on group:{group} too.
         */
        get: operations["streamTopic"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ws": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * WebSocket: subscribe, unsubscribe, commit, produce and grant credit with commands on one socket
         * @description Commands (WsCommand) may carry an `id`; the reply (subscribed, unsubscribed, committed, ack, or error) echoes it. Every frame is JSON text with a `type`. The server sends WsServerMessage (records arrive as `{"type":"records","records":[...]}` in offset order per partition, no gap and no duplicate within a socket); the client may send WsCommand. Close codes: 1000 normal, 1001 gateway shutting down, 1003 binary frame, 1008 too slow (send buffer over wsMaxBufferedBytes), 1009 frame over wsMaxMessageBytes, 1011 internal error, 1013 too many sockets, 4000 + the HTTP status of the error code for a bad handshake or a lost subscription (4400 bad query, 4401 credential revoked or expired, 4404 unknown topic or partition, 4416 offset out of range, 4409 fenced group member or a new group beyond groupMaxGroups, 4429 too many sockets for one principal (quotaMaxSocketsPerPrincipal), 4503 NOT_COORDINATOR: another gateway of the cluster coordinates the group, named in the error message's coordinator field). Subprotocol `logway.v1` is selected when offered.
         *
         *     **Requires:** a credential; each command is checked as its REST counterpart.
         */
        get: operations["multiplexSocket"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/topics/{topic}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Server-Sent Events: stream a topic, one event per record, resumable with Last-Event-ID
         * @description `new EventSource("/v1/topics/orders/events?from=earliest")`. One event per record: `id:` the cursor after it (see Cursor), `data:` the record as JSON (Record), default event type, so `EventSource.onmessage` receives records. The stream starts with `retry:` and an `id:` without data (the start position). Other events: `reset` (data `{"partitions":[PositionReset]}`: the position was older than retention; reading resumed at the log start) and `problem` (data: problem details; the stream then ends, e.g. the topic was deleted). Idle streams get `: heartbeat` comments every sseHeartbeatMs. A reconnecting EventSource sends the last id as Last-Event-ID and continues with no gap and no duplicate. A slow reader is paused (the log is read only while fewer than sseHighWaterBytes wait to be sent). With group=: first `event: joined` (data `{group, memberId}`), then `assigned` and `revoked` events (data as the WebSocket messages of those names) and records without ids; commits are automatic (at-least-once); the member leaves when the stream ends.
         *
         *     **Requires:** read on topic:{topic}; with ?group=, read on group:{group} too.
         */
        get: operations["streamTopicEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List consumer groups
         * @description **Requires:** describe on each group listed; the others are left out.
         */
        get: operations["listGroups"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/groups/{group}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Describe a group: state, members with assignments and epochs, committed offsets and lag
         * @description **Requires:** describe on group:{group}; offsets are shown only for topics the caller may describe.
         */
        get: operations["getGroup"];
        put?: never;
        post?: never;
        /**
         * Delete a group without members, with its committed offsets
         * @description **Requires:** admin on group:{group}.
         */
        delete: operations["deleteGroup"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/groups/{group}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Join a group (creating it); the server assigns partitions
         * @description **Requires:** read on group:{group} and on each topic in `topics`.
         */
        post: operations["joinGroup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/groups/{group}/members/{memberId}/heartbeat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report owned partitions; learn the current assignment and epoch
         * @description **Requires:** read on group:{group}.
         */
        post: operations["heartbeat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/groups/{group}/members/{memberId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Leave the group; its partitions move to the others at once
         * @description **Requires:** read on group:{group}.
         */
        delete: operations["leaveGroup"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/groups/{group}/members/{memberId}/records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read records from the member’s partitions from its position; long-polls with waitMs
         * @description **Requires:** read on group:{group} and on each of the member's topics.
         */
        get: operations["pollGroup"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/groups/{group}/offsets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Committed offsets, high watermarks and lag
         * @description **Requires:** describe on group:{group}; offsets are shown only for topics the caller may describe.
         */
        get: operations["getGroupOffsets"];
        put?: never;
        /**
         * Commit offsets (next offset to read) as a member, or as an administrator while the group is empty
         * @description **Requires:** read on group:{group} and on each topic committed.
         */
        post: operations["commitOffsets"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/groups/{group}/offsets/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move a group without members to earliest, latest, a time or an offset
         * @description **Requires:** admin on group:{group}.
         */
        post: operations["resetGroupOffsets"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List API keys (without their secrets)
         * @description **Requires:** admin on cluster.
         */
        get: operations["listKeys"];
        put?: never;
        /**
         * Create an API key; its secret is shown once
         * @description **Requires:** admin on cluster, and every permission the key is given.
         */
        post: operations["createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key at once (its sockets and the tokens it minted stop working)
         * @description **Requires:** admin on cluster.
         */
        delete: operations["deleteKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mint a short-lived token with some of the caller’s permissions, for a browser
         * @description **Requires:** admin on cluster, and every permission the token is given.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/backup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A consistent copy of the database, taken online
         * @description Streams a consistent snapshot of everything stored (SQLite online backup API), taken while the gateway keeps serving. Restore: stop the gateway, replace logway.db in the data directory with this file (removing logway.db-wal and logway.db-shm), start it. One backup runs at a time; another request meanwhile gets 503 OVERLOADED with Retry-After.
         *
         *     **Requires:** admin on cluster (the copy holds every record).
         */
        get: operations["backup"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A command a client sends over /v1/ws (also accepted on /v1/topics/{topic}/ws). */
        WsCommand: components["schemas"]["WsSubscribe"] | components["schemas"]["WsUnsubscribe"] | components["schemas"]["WsCommit"] | components["schemas"]["WsProduce"] | components["schemas"]["WsCredit"];
        WsSubscribe: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "subscribe";
            /** @description Any id the client chooses; the reply to this command echoes it. */
            id?: string | number;
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            topic: string;
            from?: components["schemas"]["WsFrom"];
            /** @description Default: every partition. */
            partitions?: number[];
            /**
             * @description Join this consumer group: the server assigns partitions (partitions is then not allowed, and from may only be earliest or latest: where to start partitions the group never committed).
             * @example billing
             */
            group?: string;
            /**
             * @description Values of a topic bound to a schema (valueSchemaValidation): `json` (default) decodes Avro, Protobuf and wire-format values to JSON; `binary` serves them in Confluent's wire format (magic byte 0, schema id, payload), base64 with valueEncoding base64, for Kafka deserializers. No effect on other topics.
             * @enum {string}
             */
            format?: "json" | "binary";
        };
        /**
         * @description Start position: 'earliest', 'latest' (default), an offset, 'time:<epoch-ms>', 'cursor:<cursor>' (resume where a read over any transport left off), or per partition {"0": 42, "1": 17} (resume: only these partitions).
         * @example earliest
         */
        WsFrom: number | string | {
            [key: string]: number;
        };
        WsUnsubscribe: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "unsubscribe";
            /** @description Any id the client chooses; the reply to this command echoes it. */
            id?: string | number;
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            topic: string;
        };
        WsCommit: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "commit";
            /** @description Any id the client chooses; the reply to this command echoes it. */
            id?: string | number;
            /**
             * @description Needed only when the socket is in more than one group.
             * @example billing
             */
            group?: string;
            offsets: {
                topic: string;
                partition: number;
                /** @description The next offset to read (Kafka convention). */
                offset: number;
            }[];
        };
        WsProduce: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "produce";
            /** @description Any id the client chooses; the reply to this command echoes it. */
            id?: string | number;
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            topic: string;
            records: components["schemas"]["ProduceRecord"][];
            idempotencyKey?: string;
        };
        /** @description A key that is not base64-encoded must be well-formed Unicode (no lone surrogates: they have no UTF-8 form); send arbitrary key bytes with keyEncoding base64. */
        ProduceRecord: {
            /**
             * @description Partitioning key: its UTF-8 bytes are hashed with Kafka's murmur2. With keyEncoding base64, the bytes it encodes.
             * @example customer-7
             */
            key?: string | null;
            /** @enum {string} */
            keyEncoding?: "utf8" | "base64";
            /**
             * @description Any JSON value (default null). With valueEncoding base64: a base64 string of binary bytes.
             * @example {
             *       "total": 42
             *     }
             */
            value?: unknown;
            /** @enum {string} */
            valueEncoding?: "json" | "base64";
            headers?: components["schemas"]["RecordHeaders"];
            /** @description Explicit partition; overrides the key. */
            partition?: number;
            /** @description Record time (epoch ms); defaults to the append time. */
            timestamp?: number;
        } & (unknown & unknown);
        /**
         * @description String headers; any name, `__proto__` included.
         * @example {
         *       "source": "checkout"
         *     }
         */
        RecordHeaders: {
            [key: string]: string;
        };
        WsCredit: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "credit";
            /** @description Any id the client chooses; the reply to this command echoes it. */
            id?: string | number;
            /** @description Records the server may send on top of those already granted. The first credit switches the socket to explicit credit. */
            records: number;
        };
        /** @description A message the server sends. */
        WsServerMessage: components["schemas"]["WsRecords"] | components["schemas"]["WsSubscribed"] | components["schemas"]["WsUnsubscribed"] | components["schemas"]["WsAssigned"] | components["schemas"]["WsRevoked"] | components["schemas"]["WsCommitted"] | components["schemas"]["WsAck"] | components["schemas"]["WsError"];
        /** @description Records of one partition, in offset order; no gap and no duplicate within a socket. */
        WsRecords: {
            /** @enum {string} */
            type: "records";
            records: components["schemas"]["Record"][];
            /** @description The cursor (see Cursor) of the position after this message: every partition of the subscription. Resume with from=cursor:<cursor> over WebSocket, Server-Sent Events or REST. Absent in group mode (a member resumes from its commits). */
            cursor?: string;
        };
        Record: {
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            topic: string;
            /** @description Partition number, from 0. */
            partition: number;
            /** @description Offset in a partition: dense, from 0. */
            offset: number;
            /** @description Epoch milliseconds. */
            timestamp: number;
            key: string | null;
            /** @enum {string} */
            keyEncoding?: "base64";
            /** @description The JSON value, or base64 text when valueEncoding is base64. */
            value?: unknown;
            /** @enum {string} */
            valueEncoding?: "base64";
            headers: components["schemas"]["RecordHeaders"];
        };
        WsSubscribed: {
            /** @enum {string} */
            type: "subscribed";
            /** @description Any id the client chooses; the reply to this command echoes it. */
            id?: string | number;
            topic: string;
            /** @description Where each partition starts (empty in group mode). */
            partitions: {
                partition: number;
                offset: number;
            }[];
            /** @description The cursor of the start position (absent in group mode): a socket dropped before its first records resumes from it with no gap. */
            cursor?: string;
            /** @description Partitions whose cursor position was older than retention: streaming starts at their log start instead. */
            resets?: components["schemas"]["PositionReset"][];
            group?: string;
            memberId?: string;
        };
        /** @description A partition whose position was older than retention: reading resumed at its log start, skipping the deleted records. */
        PositionReset: {
            partition: number;
            /** @description Where the cursor pointed. */
            offset: number;
            /** @description Where reading resumed: records before it were deleted by retention. */
            logStartOffset: number;
        };
        WsUnsubscribed: {
            /** @enum {string} */
            type: "unsubscribed";
            /** @description Any id the client chooses; the reply to this command echoes it. */
            id?: string | number;
            topic: string;
        };
        WsAssigned: {
            /** @enum {string} */
            type: "assigned";
            group: string;
            memberId: string;
            memberEpoch: number;
            /** @description Newly granted partitions and where streaming starts. */
            partitions: {
                topic: string;
                partition: number;
                /** @description The next offset to read (Kafka convention). */
                offset: number;
            }[];
        };
        /** @description No more records of these partitions will be sent on this socket. */
        WsRevoked: {
            /** @enum {string} */
            type: "revoked";
            group: string;
            memberId: string;
            partitions: {
                topic: string;
                partition: number;
            }[];
        };
        WsCommitted: {
            /** @enum {string} */
            type: "committed";
            /** @description Any id the client chooses; the reply to this command echoes it. */
            id?: string | number;
            group: string;
            offsets: {
                topic: string;
                partition: number;
                /** @description The next offset to read (Kafka convention). */
                offset: number;
            }[];
        };
        /** @description The produced records are on disk; where each landed, in command order. */
        WsAck: {
            /** @enum {string} */
            type: "ack";
            /** @description Any id the client chooses; the reply to this command echoes it. */
            id?: string | number;
            topic: string;
            records: {
                partition: number;
                offset: number;
                timestamp: number;
            }[];
        };
        WsError: {
            /** @enum {string} */
            type: "error";
            /** @description Any id the client chooses; the reply to this command echoes it. */
            id?: string | number;
            /**
             * @description The GatewayError code, as in REST problem details.
             * @example TOPIC_NOT_FOUND
             */
            code: string;
            message: string;
            errors?: {
                path: string;
                message: string;
            }[];
        } & {
            [key: string]: unknown;
        };
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            /** @example urn:logway:problem:topic-not-found */
            type: string;
            /** @example Topic not found */
            title: string;
            /** @example 404 */
            status: number;
            /** @example topic 'orders' does not exist */
            detail: string;
            /** @enum {string} */
            code: "INVALID_REQUEST" | "TOPIC_NOT_FOUND" | "TOPIC_ALREADY_EXISTS" | "PARTITION_NOT_FOUND" | "INVALID_PARTITIONS" | "OFFSET_OUT_OF_RANGE" | "INVALID_CURSOR" | "SNAPSHOT_EXPIRED" | "RECORD_TOO_LARGE" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "IDEMPOTENCY_KEY_REUSED" | "GROUP_NOT_FOUND" | "MEMBER_NOT_FOUND" | "FENCED_MEMBER" | "NOT_PARTITION_OWNER" | "GROUP_NOT_EMPTY" | "GROUP_FULL" | "TOO_MANY_GROUPS" | "NOT_COORDINATOR" | "NOT_FOUND" | "SUBJECT_NOT_FOUND" | "VERSION_NOT_FOUND" | "SCHEMA_NOT_FOUND" | "INVALID_SCHEMA" | "INCOMPATIBLE_SCHEMA" | "RECORD_INVALID" | "METHOD_NOT_ALLOWED" | "UPGRADE_REQUIRED" | "UNAUTHORIZED" | "FORBIDDEN" | "RATE_LIMITED" | "UNAVAILABLE" | "OVERLOADED" | "NOT_SUPPORTED" | "INTERNAL";
            /** @description For validation errors: each failing field and why. */
            errors?: {
                path: string;
                message: string;
            }[];
        } & {
            [key: string]: unknown;
        };
        Ready: {
            /** @enum {string} */
            status: "ok";
            /** @description On a cluster store: the partitions that cannot take writes now (produce to them answers 503), read from the cluster at most once per clusterStatusRefreshMs. Absent on SQLite. */
            partitionsWithoutQuorum?: components["schemas"]["PartitionWithoutQuorum"][];
        };
        PartitionWithoutQuorum: {
            topic: string;
            partition: number;
            /** @description Why it takes no writes, by its leader's report (no leader; too few current replicas, naming them). */
            reason: string;
        };
        PrometheusText: string;
        Topic: {
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            name: string;
            partitions: number;
            config: components["schemas"]["TopicConfig"];
            /** @description Epoch ms. */
            createdAt: number;
            /** @description Records from each partition’s log start offset to its high watermark, summed (under cleanupPolicy `compact`, at most this many are left). */
            records: number;
            /** @description Records ever appended: the sum of the high watermarks. Its growth between two calls, over the time between them, is the topic’s records/s. */
            appendedRecords: number;
            /** @description What the topic holds, in bytes: the keys, values and headers of its records (SQLite store); on the JetStream store its streams’ bytes, which include batch framing and message headers (docs/console.md). */
            bytes: number;
            /** @description Every partition’s bounds; left out when `partitionOffsets=false` was asked (`GET /v1/topics/{topic}/partitions` pages them). */
            partitionOffsets?: components["schemas"]["PartitionOffsets"][];
        };
        TopicConfig: {
            /** @description Delete records older than this many ms; null keeps them forever (the default). Not applied under cleanupPolicy `compact`. */
            retentionMs?: number | null;
            /** @description Per partition: once its records (keys, values, headers) pass this many bytes, the oldest are deleted and logStartOffset moves; null: no limit (the default). Not applied under cleanupPolicy `compact`. */
            retentionBytes?: number | null;
            /**
             * @description `delete` (the default): retention only. `compact`: keep the latest record per key (records without a key are refused). `compact,delete`: both.
             * @enum {string}
             */
            cleanupPolicy?: "delete" | "compact" | "compact,delete";
            /** @description How long a tombstone (a keyed record with a null value) stays readable after compaction reached it. Default 86400000 (24 h). */
            deleteRetentionMs?: number;
            /** @description A record younger than this (by its timestamp) is never compacted away. Default 0. */
            minCompactionLagMs?: number;
            /** @description Produced values must match the latest schema of the subject `<topic>-value` in the schema registry (/registry); a request with a record that does not is refused with 422, appending nothing. */
            valueSchemaValidation?: boolean;
            /** @description The same for keys, against the subject `<topic>-key` (a key is checked as a JSON string). */
            keySchemaValidation?: boolean;
        };
        PartitionOffsets: {
            /** @description Partition number, from 0. */
            partition: number;
            /** @description First offset still stored. */
            logStartOffset: number;
            /** @description The next offset to be written. */
            highWatermark: number;
        };
        CreateTopic: {
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            name: string;
            /**
             * @description Defaults to the server setting defaultPartitions.
             * @example 3
             */
            partitions?: number;
            config?: components["schemas"]["TopicConfig"];
        };
        TopicPage: {
            topics: components["schemas"]["Topic"][];
            /** @description Topics matching the query (`contains`, and what the caller may describe), over all pages. */
            total: number;
            /** @description Pass as `cursor` for the next page; absent on the last page. */
            nextCursor?: string;
        };
        PartitionPage: {
            partitions: components["schemas"]["PartitionSummary"][];
            /** @description The topic’s partition count. */
            total: number;
        };
        PartitionSummary: components["schemas"]["PartitionOffsets"] & {
            /** @description What the partition holds, in bytes (as the topic’s `bytes`). */
            bytes: number;
        };
        UpdateTopic: {
            /** @description New partition count; it can only grow. */
            partitions?: number;
            config?: components["schemas"]["TopicConfig"] & unknown;
        };
        Snapshot: {
            topic: string;
            /** @description First page only: per partition, the offset the snapshot is consistent with. Read each partition from its offset (fetch, WebSocket from=<offset>) to see every later change exactly once. */
            offsets?: {
                /** @description Partition number, from 0. */
                partition: number;
                /** @description Offset in a partition: dense, from 0. */
                offset: number;
            }[];
            /** @description The latest record of each key below the offsets (tombstoned keys left out), by partition, then key. */
            records: components["schemas"]["Record"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            nextCursor: string | null;
        };
        ProduceResponse: {
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            topic: string;
            /** @description Where each record landed, in request order. */
            records: {
                /** @description Partition number, from 0. */
                partition: number;
                /** @description Offset in a partition: dense, from 0. */
                offset: number;
                /** @description Epoch milliseconds. */
                timestamp: number;
            }[];
        };
        /**
         * @description The answer to an NDJSON produce.
         * @example {
         *       "topic": "orders",
         *       "lines": 2,
         *       "appended": 2,
         *       "partitions": [
         *         {
         *           "partition": 0,
         *           "count": 2,
         *           "firstOffset": 40,
         *           "lastOffset": 41
         *         }
         *       ]
         *     }
         */
        NdjsonProduceResponse: {
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            topic: string;
            /** @description Lines read, blank ones included; every one is committed. */
            lines: number;
            /** @description Records appended (one per non-blank line). */
            appended: number;
            /** @description Where the records landed, by partition number. */
            partitions: {
                /** @description Partition number, from 0. */
                partition: number;
                /** @description Records appended to this partition. */
                count: number;
                /** @description Offset in a partition: dense, from 0. */
                firstOffset: number;
                /** @description Offsets from firstOffset to lastOffset; contiguous unless another producer wrote to the partition meanwhile. */
                lastOffset: number;
            }[];
        };
        /**
         * @example {
         *       "records": [
         *         {
         *           "key": "customer-7",
         *           "value": {
         *             "total": 42
         *           }
         *         },
         *         {
         *           "value": "plain text works too"
         *         }
         *       ]
         *     }
         */
        ProduceRequest: {
            records: components["schemas"]["ProduceRecord"][];
        };
        /**
         * @description Newline-delimited JSON: one ProduceRecord (the shape of the JSON body's records) per line; blank lines are skipped. The body is streamed and committed in chunks as lines arrive (ndjsonChunkRecords, ndjsonChunkBytes): each chunk is atomic, the body as a whole is not. Each line may be up to maxBodyBytes; the body has no size limit. Idempotency-Key is refused (400): after a failure, resend from the line after `linesCommitted`.
         * @example {"key":"customer-7","value":{"total":42}}
         *     {"value":"plain text works too"}
         */
        NdjsonProduceRecords: string;
        FetchResponse: {
            records: components["schemas"]["Record"][];
            /** @description Offset to ask for next. */
            nextOffset: number;
            /** @description Offset in a partition: dense, from 0. */
            highWatermark: number;
            /** @description Offset in a partition: dense, from 0. */
            logStartOffset: number;
        };
        /**
         * @description Newline-delimited JSON: one Record (as in FetchResponse.records) per line, each line ending in a newline.
         * @example {"topic":"orders","partition":0,"offset":0,"timestamp":1767225600000,"key":null,"value":"plain text works too","headers":{}}
         */
        NdjsonRecords: string;
        OffsetsByTime: {
            /** @description Partition number, from 0. */
            partition: number;
            /** @description The log start offset. */
            earliest: number;
            /** @description The high watermark. */
            latest: number;
            /** @description Epoch milliseconds. */
            timestamp?: number;
            /** @description First offset whose timestamp is >= the given one; the high watermark if none is. */
            offset?: number;
        };
        TopicReadResponse: {
            /** @description Records of every partition read, in offset order within each partition. */
            records: components["schemas"]["Record"][];
            cursor: components["schemas"]["Cursor"];
            /** @description Present when the position was older than retention in some partitions: each one, where it pointed and where reading resumed. */
            reset?: components["schemas"]["PositionReset"][];
        };
        /**
         * @description Where to continue: pass it as `cursor` to the next read.
         * @example AQFC_r_mTm8DAAUBBwEE
         */
        Cursor: string;
        GroupSummary: {
            /**
             * @description Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away).
             * @example billing
             */
            group: string;
            /**
             * @description empty: no members; reconciling: some partitions are moving; stable: every member has its target.
             * @enum {string}
             */
            state: "empty" | "reconciling" | "stable";
            groupEpoch: number;
            members: number;
        };
        Group: components["schemas"]["GroupOffsets"] & {
            /**
             * @description empty: no members; reconciling: some partitions are moving; stable: every member has its target.
             * @enum {string}
             */
            state: "empty" | "reconciling" | "stable";
            /** @description Bumps whenever the target assignment changes. */
            groupEpoch: number;
            members: components["schemas"]["GroupMember"][];
        };
        PartitionLag: {
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            topic: string;
            /** @description Partition number, from 0. */
            partition: number;
            /** @description Offset in a partition: dense, from 0. */
            committedOffset: number | null;
            /** @description Epoch milliseconds. */
            committedAt: number | null;
            /** @description Offset in a partition: dense, from 0. */
            logStartOffset: number;
            /** @description Offset in a partition: dense, from 0. */
            highWatermark: number;
            /** @description highWatermark - committedOffset; null if never committed. */
            lag: number | null;
        };
        GroupMember: {
            memberId: string;
            /** @description The epoch of the member’s current assignment. */
            memberEpoch: number;
            topics: string[];
            sessionTimeoutMs: number;
            /** @enum {string} */
            autoOffsetReset: "earliest" | "latest";
            /** @description Epoch milliseconds. */
            joinedAt: number;
            /** @description Epoch milliseconds. */
            sessionExpiresAt: number;
            assignment: components["schemas"]["TopicPartition"][];
            /** @description Taken away; not yet released by the member. */
            revoking: components["schemas"]["TopicPartition"][];
            /** @description What it will have once revocations are done. */
            target: components["schemas"]["TopicPartition"][];
        };
        TopicPartition: {
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            topic: string;
            /** @description Partition number, from 0. */
            partition: number;
        };
        GroupOffsets: {
            /**
             * @description Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away).
             * @example billing
             */
            group: string;
            offsets: components["schemas"]["PartitionLag"][];
            totalLag: number;
        };
        Membership: {
            memberId: string;
            /** @description The epoch of the member’s current assignment. */
            memberEpoch: number;
            /** @description The partitions the member may read now. */
            assignment: components["schemas"]["TopicPartition"][];
            /** @description Heartbeat at least this often. */
            heartbeatIntervalMs: number;
        };
        /**
         * @example {
         *       "topics": [
         *         "orders"
         *       ],
         *       "autoOffsetReset": "earliest"
         *     }
         */
        JoinGroup: {
            /** @description Topics to consume. */
            topics: string[];
            /** @description Expelled after this long without a heartbeat, poll or commit. Default: the setting groupSessionTimeoutMs; from groupMinSessionTimeoutMs to groupMaxSessionTimeoutMs. */
            sessionTimeoutMs?: number;
            /**
             * @description Where to start a partition the group never committed. Default latest.
             * @enum {string}
             */
            autoOffsetReset?: "earliest" | "latest";
        };
        Heartbeat: {
            /** @description The epoch of the member’s current assignment. */
            memberEpoch: number;
            /** @description What the member still holds. A revoked partition is released by leaving it out. */
            ownedPartitions: components["schemas"]["TopicPartition"][];
            /** @description While the member only waits for partitions other members are still releasing, and would be told nothing new, wait up to this long (at most heartbeatIntervalMs) for one to be released, then answer with it. Default 0: answer at once. */
            waitMs?: number;
        };
        GroupPoll: {
            records: components["schemas"]["Record"][];
            /** @description The epoch of the member’s current assignment. */
            memberEpoch: number;
            assignment: components["schemas"]["TopicPartition"][];
            /** @description The member’s position per assigned partition after this poll: commit these once the records are processed. */
            nextOffsets: components["schemas"]["CommitOffset"][];
        };
        CommitOffset: {
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            topic: string;
            /** @description Partition number, from 0. */
            partition: number;
            /** @description The next offset to read (Kafka’s convention), at most the high watermark. */
            offset: number;
        };
        CommittedOffsets: {
            offsets: components["schemas"]["CommittedOffset"][];
        };
        CommittedOffset: {
            /**
             * @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.
             * @example orders
             */
            topic: string;
            /** @description Partition number, from 0. */
            partition: number;
            /** @description Offset in a partition: dense, from 0. */
            offset: number;
            /** @description Epoch milliseconds. */
            committedAt: number;
        };
        CommitOffsets: {
            /** @description Omit (with memberEpoch) only to set offsets of a group without members. */
            memberId?: string;
            /** @description Required with memberId, not allowed without it. */
            memberEpoch?: number;
            /** @description Each topic and partition at most once. */
            offsets: components["schemas"]["CommitOffset"][];
        };
        /**
         * @example {
         *       "to": "earliest"
         *     }
         */
        ResetOffsets: {
            /** @enum {string} */
            to: "earliest" | "latest" | "timestamp" | "offset";
            /** @description With to=timestamp: first offset at or after it, per partition. */
            timestamp?: number;
            /** @description With to=offset: this offset in every partition. */
            offset?: number;
            /** @description Default: the topics the group has offsets for. */
            topics?: string[];
        } & (unknown & unknown);
        CreatedKey: components["schemas"]["Key"] & {
            /** @description The secret: shown only in this answer, send it as `Authorization: Bearer <key>`. */
            key: string;
        };
        Permission: {
            /**
             * @description `cluster`, `topic:<name>` or `group:<name>`; a name ending in `*` is a prefix (`topic:logs.*`, `group:*`).
             * @example topic:orders
             */
            resource: string;
            /** @description read: fetch, subscribe, consume, commit. write: produce. describe: metadata, offsets, lag. admin: create, alter, delete (on cluster: keys and tokens). read, write and admin imply describe. */
            actions: ("read" | "write" | "describe" | "admin")[];
        };
        Quota: {
            /** @description 0: no limit. Absent: the gateway setting. */
            requestsPerSecond?: number;
            /** @description 0: no limit. Absent: the gateway setting. */
            produceBytesPerSecond?: number;
        };
        Key: {
            id: string;
            name: string;
            permissions: components["schemas"]["Permission"][];
            quota?: components["schemas"]["Quota"];
            /** @description Epoch ms. */
            createdAt: number;
        };
        /**
         * @example {
         *       "name": "checkout-service",
         *       "permissions": [
         *         {
         *           "resource": "topic:orders",
         *           "actions": [
         *             "write"
         *           ]
         *         }
         *       ]
         *     }
         */
        CreateKey: {
            /**
             * @description What the key is for (shown in listings and audit lines).
             * @example checkout-service
             */
            name: string;
            permissions: components["schemas"]["Permission"][];
            quota?: components["schemas"]["Quota"];
        };
        Token: {
            /** @description A bearer token (a JWT signed by the gateway). */
            token: string;
            /** @description Epoch ms. */
            expiresAt: number;
        };
        /**
         * @example {
         *       "permissions": [
         *         {
         *           "resource": "topic:orders",
         *           "actions": [
         *             "read"
         *           ]
         *         }
         *       ],
         *       "ttlSeconds": 900
         *     }
         */
        CreateToken: {
            permissions: components["schemas"]["Permission"][];
            /**
             * @description Lifetime, at most the gateway setting tokenMaxTtlSeconds.
             * @example 900
             */
            ttlSeconds: number;
        };
    };
    responses: {
        /** @description The path exists but not with this method (problem code METHOD_NOT_ALLOWED). */
        MethodNotAllowed: {
            headers: {
                /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                "X-Request-Id": string;
                /** @description The methods this path answers, e.g. `GET, HEAD, DELETE`. */
                Allow: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    readyz: {
        parameters: {
            query?: {
                /** @description Ready for this topic: on a cluster store, 503 while any of its partitions has no quorum (the problem lists them with the reason). */
                topic?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ready"];
                };
            };
            /** @description Invalid path, query, header or body: `errors` names each field */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `topic` names no topic */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not ready: shutting down, the store cannot take a write, or (with `topic`) a partition of the topic has no quorum */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format 0.0.4 */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": components["schemas"]["PrometheusText"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTopics: {
        parameters: {
            query?: {
                /** @description Most topics in the answer (paging). Without it every topic is listed in one answer. */
                limit?: number;
                /** @description Where the page starts: the `nextCursor` of the previous page (topics come in byte order of their names: capitals first). */
                cursor?: string;
                /** @description Only topics whose name contains this text, ignoring case. */
                contains?: string;
                /** @description `false` leaves out each partition’s bounds (`partitionOffsets`): the answer stays small for topics with thousands of partitions. Default `true`. */
                partitionOffsets?: "true" | "false";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Topics, by name */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TopicPage"];
                };
            };
            /** @description Invalid query */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createTopic: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTopic"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Path of the created resource. */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Topic"];
                };
            };
            /** @description Invalid name, partition count or config */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A topic with this name exists */
            409: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over maxBodyBytes (or a record over a record limit) */
            413: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not JSON (Content-Type must be application/json) */
            415: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description The media type to send instead (RFC 9110 15.5.16). */
                    Accept: "application/json";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTopic: {
        parameters: {
            query?: {
                /** @description `false` leaves out each partition’s bounds (`partitionOffsets`): the answer stays small for topics with thousands of partitions. Default `true`. */
                partitionOffsets?: "true" | "false";
            };
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The topic */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Topic"];
                };
            };
            /** @description Invalid topic name or query */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteTopic: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid topic name */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateTopic: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTopic"];
            };
        };
        responses: {
            /** @description The changed topic */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Topic"];
                };
            };
            /** @description Invalid change (e.g. fewer partitions, or no body) */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over maxBodyBytes (or a record over a record limit) */
            413: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not JSON (Content-Type must be application/json) */
            415: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description The media type to send instead (RFC 9110 15.5.16). */
                    Accept: "application/json";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listPartitions: {
        parameters: {
            query?: {
                /** @description First partition of the page (partitions are numbered from 0, densely). Default 0. */
                from?: number;
                /** @description Most partitions in the answer. Default 100. */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Partitions from `from`, at most `limit` */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartitionPage"];
                };
            };
            /** @description Invalid topic name or query */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTopicOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An OpenAPI 3.1 document */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Invalid topic name */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic, or the topic is bound to a subject with no version (code SUBJECT_NOT_FOUND) */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTopicOpenApiYaml: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An OpenAPI 3.1 document */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": string;
                };
            };
            /** @description Invalid topic name */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic, or the topic is bound to a subject with no version (code SUBJECT_NOT_FOUND) */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSnapshot: {
        parameters: {
            query?: {
                /** @description Most records in the page (default fetchDefaultLimit, at most fetchMaxLimit). */
                limit?: number;
                /** @description Most record bytes in the page (default fetchDefaultMaxBytes, at most fetchMaxBytes); the first record always comes. */
                maxBytes?: number;
                /** @description The previous page's nextCursor; absent for the first page (which starts a snapshot). */
                cursor?: string;
                /** @description Values of a topic bound to a schema (valueSchemaValidation): `json` (default) decodes Avro, Protobuf and wire-format values to JSON; `binary` serves them in Confluent's wire format (magic byte 0, schema id, payload), base64 with valueEncoding base64, for Kafka deserializers. No effect on other topics. */
                format?: "json" | "binary";
            };
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the snapshot */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Snapshot"];
                };
            };
            /** @description Invalid query, or a cursor that is not a snapshot cursor (code INVALID_CURSOR) */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The snapshot this cursor belongs to has ended (snapshotLeaseMs after its last page, a restart of a single-gateway store, compaction overtook it on a cluster, or its topic was deleted and created again): take a new one (code SNAPSHOT_EXPIRED) */
            410: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store keeps no key index (code NOT_SUPPORTED) */
            501: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many snapshots open (maxOpenSnapshots); retry after Retry-After (code OVERLOADED) */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getKey: {
        parameters: {
            query?: {
                /** @description base64: the key is binary, written as base64url. */
                keyEncoding?: "base64";
                /** @description Values of a topic bound to a schema (valueSchemaValidation): `json` (default) decodes Avro, Protobuf and wire-format values to JSON; `binary` serves them in Confluent's wire format (magic byte 0, schema id, payload), base64 with valueEncoding base64, for Kafka deserializers. No effect on other topics. */
                format?: "json" | "binary";
            };
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
                /** @description The key, URL-encoded; with keyEncoding=base64, its bytes as base64url. */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The latest record of the key */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Record"];
                };
            };
            /** @description Invalid topic name or key */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic, or the key has no record (or its latest record is a tombstone) */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store keeps no key index (code NOT_SUPPORTED) */
            501: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    readTopic: {
        parameters: {
            query?: {
                /** @description Continue from this position (a cursor a read answered, see Cursor). Not with from. */
                cursor?: string;
                /** @description First read: 'earliest' (default), 'latest', 'time:<epoch-ms>' (per partition, the first record at or after it), or 'cursor:<cursor>' (same as cursor=). */
                from?: string;
                /** @description Most records to return (all partitions together). NDJSON answers: not capped by fetchMaxLimit. */
                limit?: number;
                /** @description Soft byte budget (keys, values, headers); at least one record is returned when there is one. Not with an NDJSON answer (400). */
                maxBytes?: number;
                /** @description When no partition has a record, wait up to this long for one. */
                waitMs?: number;
                /** @description Values of a topic bound to a schema (valueSchemaValidation): `json` (default) decodes Avro, Protobuf and wire-format values to JSON; `binary` serves them in Confluent's wire format (magic byte 0, schema id, payload), base64 with valueEncoding base64, for Kafka deserializers. No effect on other topics. */
                format?: "json" | "binary";
            };
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Records and the cursor after them. With `Accept: application/x-ndjson`: one Record per line, every partition interleaved a page at a time (offset order within each), streamed to each partition's high watermark as it was when the answer started (after waitMs, if it waited), or to `limit` records in all, shared fairly; the cursor to continue from is the Logway-Cursor header (every line is a record). */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description NDJSON answers: the cursor after the last line (pass it as `cursor` to the next read). */
                    "Logway-Cursor"?: string;
                    /** @description NDJSON answers, when the position was older than retention: the `reset` list of the JSON answer, as JSON text. */
                    "Logway-Reset"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TopicReadResponse"];
                    "application/x-ndjson": components["schemas"]["NdjsonRecords"];
                };
            };
            /** @description Invalid query (maxBytes with an NDJSON answer), or a cursor that is malformed or not of this topic (code INVALID_CURSOR) */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    produceRecords: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying a request with the same key (same topic, same records) within the idempotency window returns the first response and appends nothing. */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProduceRequest"];
                "application/x-ndjson": components["schemas"]["NdjsonProduceRecords"];
            };
        };
        responses: {
            /** @description All records appended (or, for a retried Idempotency-Key, the original answer; header Idempotent-Replayed: true). An NDJSON body is answered with NdjsonProduceResponse: lines read, records appended, and where they landed per partition. */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Present (`true`) when this is the stored answer to an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProduceResponse"] | components["schemas"]["NdjsonProduceResponse"];
                };
            };
            /** @description Invalid records. For an NDJSON body: the first bad line (`line`), with `linesCommitted` (every line before it), `recordsCommitted` and `partitions` (what was committed) */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic (and auto-creation is off) */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body, NDJSON line or record over the configured limits */
            413: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not JSON (Content-Type must be application/json) */
            415: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description The media type to send instead (RFC 9110 15.5.16). */
                    Accept: "application/json";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with a different request, or a record that does not match the topic’s schema (each bad record’s index, path and reason) */
            422: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many records waiting to be written (maxPendingProduceBytes; retry after Retry-After seconds), shutting down, or the database cannot be written */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    fetchRecords: {
        parameters: {
            query?: {
                /** @description First offset to read; defaults to the log start offset. */
                offset?: number;
                /** @description Most records to return. */
                limit?: number;
                /** @description Soft byte budget (keys, values, headers); the first record is always returned. */
                maxBytes?: number;
                /** @description At the high watermark, wait up to this long for a record. */
                waitMs?: number;
                /** @description Kafka's fetch.min.bytes: with waitMs, answer once this many record bytes (keys, values, headers) are there, the answer is full (limit or maxBytes), or waitMs ends, whichever comes first. At most maxBytes. Default 1: answer as soon as there is a record. */
                minBytes?: number;
                /** @description Values of a topic bound to a schema (valueSchemaValidation): `json` (default) decodes Avro, Protobuf and wire-format values to JSON; `binary` serves them in Confluent's wire format (magic byte 0, schema id, payload), base64 with valueEncoding base64, for Kafka deserializers. No effect on other topics. */
                format?: "json" | "binary";
            };
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
                /** @description Partition number. */
                partition: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Records from offset on. With `Accept: application/x-ndjson`: one Record per line, streamed to the high watermark as it was when the answer started (or to `limit` records / `maxBytes` bytes in all, which are then not capped by fetchMaxLimit / fetchMaxBytes); headers Logway-High-Watermark and Logway-Log-Start-Offset; the next offset is the last line's offset + 1. */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description NDJSON answers: the high watermark when the answer started. */
                    "Logway-High-Watermark"?: number;
                    /** @description NDJSON answers: the log start offset when the answer started. */
                    "Logway-Log-Start-Offset"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FetchResponse"];
                    "application/x-ndjson": components["schemas"]["NdjsonRecords"];
                };
            };
            /** @description Invalid query */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic or partition */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Offset outside [logStartOffset, highWatermark]; the problem names the valid range */
            416: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getPartitionOffsets: {
        parameters: {
            query?: {
                /** @description Epoch ms. */
                timestamp?: number;
            };
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
                /** @description Partition number. */
                partition: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Offsets */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OffsetsByTime"];
                };
            };
            /** @description Invalid query */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic or partition */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamTopic: {
        parameters: {
            query?: {
                /** @description Explicit credit: the server sends this many records, then only what `credit` commands grant. Absent: automatic credit (wsDefaultCreditRecords records in flight). */
                credit?: number;
                /** @description Reserved for authentication (browsers cannot set headers on a WebSocket); ignored today. */
                access_token?: string;
                /** @description 'earliest', 'latest' (default), an offset (every selected partition), 'time:<epoch-ms>', '<partition>:<offset>,...' to resume exactly those partitions, or 'cursor:<cursor>' to resume where a read over any transport left off (a records frame's cursor, an SSE event id, a REST topic read's cursor). */
                from?: string;
                /** @description Comma-separated partitions to read (default: all, including partitions added later). */
                partitions?: string;
                /** @description Join this consumer group as a member: the server assigns partitions, streaming each from the committed offset (not with partitions; from may only be earliest or latest, for partitions never committed). */
                group?: string;
                /** @description Values of a topic bound to a schema (valueSchemaValidation): `json` (default) decodes Avro, Protobuf and wire-format values to JSON; `binary` serves them in Confluent's wire format (magic byte 0, schema id, payload), base64 with valueEncoding base64, for Kafka deserializers. No effect on other topics. */
                format?: "json" | "binary";
            };
            header?: never;
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Switching Protocols: the socket is open. Frames: WsServerMessage from the server, WsCommand from the client. */
            101: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WsServerMessage"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not a WebSocket handshake (send Upgrade: websocket) */
            426: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description The protocol to switch to (RFC 9110 15.5.22). */
                    Upgrade: "websocket";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    multiplexSocket: {
        parameters: {
            query?: {
                /** @description Explicit credit: the server sends this many records, then only what `credit` commands grant. Absent: automatic credit (wsDefaultCreditRecords records in flight). */
                credit?: number;
                /** @description Reserved for authentication (browsers cannot set headers on a WebSocket); ignored today. */
                access_token?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Switching Protocols: the socket is open. Frames: WsServerMessage from the server, WsCommand from the client. */
            101: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WsServerMessage"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not a WebSocket handshake (send Upgrade: websocket) */
            426: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description The protocol to switch to (RFC 9110 15.5.22). */
                    Upgrade: "websocket";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamTopicEvents: {
        parameters: {
            query?: {
                /** @description Where to start: 'latest' (default), 'earliest', 'time:<epoch-ms>', or 'cursor:<cursor>'. A Last-Event-ID header (an EventSource reconnecting) overrides it. With group: only 'earliest' or 'latest', where partitions the group never committed start. */
                from?: string;
                /** @description Comma-separated partitions to stream (default: every partition, including partitions added later). */
                partitions?: string;
                /** @description Values of a topic bound to a schema (valueSchemaValidation): `json` (default) decodes Avro, Protobuf and wire-format values to JSON; `binary` serves them in Confluent's wire format (magic byte 0, schema id, payload), base64 with valueEncoding base64, for Kafka deserializers. No effect on other topics. */
                format?: "json" | "binary";
                /** @description Read as a member of this consumer group: the stream is one member, streams the partitions assigned to it from the group's position, commits what it sent each time it reads again, and leaves the group when it ends. Not with partitions. */
                group?: string;
            };
            header?: {
                /** @description The cursor to resume from (what EventSource sends when it reconnects); overrides from. */
                "last-event-id"?: string;
            };
            path: {
                /** @description Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
                topic: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Invalid query, or a cursor (from or Last-Event-ID) that is malformed or not of this topic (code INVALID_CURSOR) */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such topic or partition */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description group=: a new group beyond groupMaxGroups, or the group is full (groupMaxMembers) */
            409: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listGroups: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every group, by name */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        groups: components["schemas"]["GroupSummary"][];
                    };
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away). */
                group: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The group */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Group"];
                };
            };
            /** @description Invalid group name */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such group */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away). */
                group: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid group name */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such group */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The group has members */
            409: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    joinGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away). */
                group: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["JoinGroup"];
            };
        };
        responses: {
            /** @description Joined */
            201: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Path of the created resource. */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Membership"];
                };
            };
            /** @description Invalid request (e.g. session timeout out of bounds) */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A topic does not exist */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The group has groupMaxMembers members already, or it is new and there are groupMaxGroups groups already */
            409: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over maxBodyBytes (or a record over a record limit) */
            413: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not JSON (Content-Type must be application/json) */
            415: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description The media type to send instead (RFC 9110 15.5.16). */
                    Accept: "application/json";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    heartbeat: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away). */
                group: string;
                /** @description As returned by join. */
                memberId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Heartbeat"];
            };
        };
        responses: {
            /** @description The member’s assignment now */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Membership"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such group or member */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Fenced: expelled, left, or a stale epoch; join again */
            409: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over maxBodyBytes (or a record over a record limit) */
            413: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not JSON (Content-Type must be application/json) */
            415: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description The media type to send instead (RFC 9110 15.5.16). */
                    Accept: "application/json";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    leaveGroup: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away). */
                group: string;
                /** @description As returned by join. */
                memberId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Left */
            204: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid group name or member id */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such group or member */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Already expelled or left */
            409: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    pollGroup: {
        parameters: {
            query?: {
                /** @description Most records to return. */
                limit?: number;
                /** @description Soft byte budget (keys, values, headers); the first record is always returned. */
                maxBytes?: number;
                /** @description With no record ready, wait up to this long for one. */
                waitMs?: number;
                /** @description Kafka's fetch.min.bytes: with waitMs, answer once this many record bytes (keys, values, headers) are there, the answer is full (limit or maxBytes), or waitMs ends, whichever comes first. At most maxBytes. Default 1: answer as soon as there is a record. */
                minBytes?: number;
            };
            header?: never;
            path: {
                /** @description Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away). */
                group: string;
                /** @description As returned by join. */
                memberId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Records, interleaved across partitions, in offset order within each */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupPoll"];
                };
            };
            /** @description Invalid query */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such group or member */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Fenced: expelled or left; join again */
            409: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getGroupOffsets: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away). */
                group: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Offsets and lag */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupOffsets"];
                };
            };
            /** @description Invalid group name */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such group */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    commitOffsets: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away). */
                group: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CommitOffsets"];
            };
        };
        responses: {
            /** @description Stored */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CommittedOffsets"];
                };
            };
            /** @description Invalid offsets (negative, not integers, past the high watermark) */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such group, member, topic or partition */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Fenced member, stale epoch, partition not owned, or (without memberId) a group with members or, for a new group, groupMaxGroups groups already */
            409: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over maxBodyBytes (or a record over a record limit) */
            413: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not JSON (Content-Type must be application/json) */
            415: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description The media type to send instead (RFC 9110 15.5.16). */
                    Accept: "application/json";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    resetGroupOffsets: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away). */
                group: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResetOffsets"];
            };
        };
        responses: {
            /** @description The new offsets */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupOffsets"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such group or topic */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The group has members */
            409: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over maxBodyBytes (or a record over a record limit) */
            413: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not JSON (Content-Type must be application/json) */
            415: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description The media type to send instead (RFC 9110 15.5.16). */
                    Accept: "application/json";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every key, oldest first */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: components["schemas"]["Key"][];
                    };
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateKey"];
            };
        };
        responses: {
            /** @description Created: the answer holds the secret `key`, which is stored only as a hash */
            201: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Path of the created resource. */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedKey"];
                };
            };
            /** @description Invalid name, permissions or quota */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over maxBodyBytes (or a record over a record limit) */
            413: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not JSON (Content-Type must be application/json) */
            415: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description The media type to send instead (RFC 9110 15.5.16). */
                    Accept: "application/json";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid key id */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such key */
            404: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateToken"];
            };
        };
        responses: {
            /** @description Minted */
            201: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Token"];
                };
            };
            /** @description Invalid permissions or lifetime */
            400: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body over maxBodyBytes (or a record over a record limit) */
            413: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not JSON (Content-Type must be application/json) */
            415: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description The media type to send instead (RFC 9110 15.5.16). */
                    Accept: "application/json";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded, shutting down, or the database cannot be written: retry later */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    backup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The database file */
            200: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    /** @description attachment, with a file name */
                    "Content-Disposition": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/vnd.sqlite3": string;
                };
            };
            /** @description No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on) */
            401: {
                headers: {
                    /** @description Bearer challenge (RFC 6750) */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the permission named in the problem (`resource`, `action`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Over the principal's quota: nothing was done */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: number;
                    /** @description The quota (IETF RateLimit fields) */
                    "RateLimit-Policy"?: string;
                    /** @description What is left of it */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The store cannot make a copy now (a backup is already running, or the disk refused it) */
            503: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer). */
            default: {
                headers: {
                    /** @description The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID. */
                    "X-Request-Id": string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
