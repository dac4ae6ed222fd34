/** Consumer groups over REST: join, heartbeat, poll, commit, leave, inspect, reset, delete. */
import { z } from '@hono/zod-openapi';
import type { Config } from '../config.js';
import type { Principal } from '../auth/principal.js';
import { AutoOffsetReset, ResetTarget, type GroupCoordinator, type GroupOffsets } from '../core/groups.js';
import { joinRecordChunks } from '../core/record-codec.js';
import { clientGone, MinBytesQuery, readOptions } from './read-options.js';
import { apiRoute, jsonBody, jsonResponse, jsonText, newRouter } from './router.js';
import { LOCATION } from '../api/responses.js';
import {
  GroupName,
  jsonSchemaKeywords,
  Offset,
  PartitionNumber,
  problem,
  queryInt,
  RecordSchema,
  safeInt,
  Timestamp,
  TopicName,
} from '../api/schemas.js';
import { withFieldPrefix } from '../api/field-paths.js';
import { forwardGroupRequests } from './group-forwarding.js';
import '../auth/hono-context.js';

/** The start of a poll's answer, before its records. */
const RECORDS_FIELD = Buffer.from('{"records":');

const GroupParam = z.object({ group: GroupName.openapi({ param: { name: 'group', in: 'path' } }) });
const MemberParam = GroupParam.extend({
  memberId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'memberId', in: 'path' }, description: 'As returned by join.' }),
});

const MemberEpoch = safeInt().openapi({ description: 'The epoch of the member’s current assignment.' });

const TopicPartitionSchema = z.strictObject({ topic: TopicName, partition: PartitionNumber }).openapi('TopicPartition');

const MembershipSchema = z
  .object({
    memberId: z.string(),
    memberEpoch: MemberEpoch,
    assignment: z.array(TopicPartitionSchema).openapi({ description: 'The partitions the member may read now.' }),
    heartbeatIntervalMs: safeInt(1).openapi({ description: 'Heartbeat at least this often.' }),
  })
  .openapi('Membership');

const JoinSchema = z
  .strictObject({
    topics: z.array(TopicName).min(1).openapi({ description: 'Topics to consume.' }),
    sessionTimeoutMs: safeInt(1)
      .optional()
      .openapi({
        description:
          'Expelled after this long without a heartbeat, poll or commit. Default: the setting groupSessionTimeoutMs; from groupMinSessionTimeoutMs to groupMaxSessionTimeoutMs.',
      }),
    autoOffsetReset: z
      .enum([AutoOffsetReset.earliest, AutoOffsetReset.latest])
      .optional()
      .openapi({ description: 'Where to start a partition the group never committed. Default latest.' }),
  })
  .openapi('JoinGroup', { example: { topics: ['orders'], autoOffsetReset: 'earliest' } });

const HeartbeatSchema = z
  .strictObject({
    memberEpoch: MemberEpoch,
    ownedPartitions: z
      .array(TopicPartitionSchema)
      .openapi({ description: 'What the member still holds. A revoked partition is released by leaving it out.' }),
    waitMs: safeInt()
      .optional()
      .openapi({
        description:
          'While the member only waits for partitions other members are still releasing, and would be told nothing new, wait up to this long (at most heartbeatIntervalMs) for one to be released, then answer with it. Default 0: answer at once.',
      }),
  })
  .openapi('Heartbeat');

const CommitOffsetSchema = z
  .strictObject({
    topic: TopicName,
    partition: PartitionNumber,
    offset: Offset.openapi({ description: 'The next offset to read (Kafka’s convention), at most the high watermark.' }),
  })
  .openapi('CommitOffset');

const CommitSchema = z
  .strictObject({
    memberId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: 'Omit (with memberEpoch) only to set offsets of a group without members.' }),
    memberEpoch: MemberEpoch.optional().openapi({ description: 'Required with memberId, not allowed without it.' }),
    offsets: z.array(CommitOffsetSchema).min(1).openapi({ description: 'Each topic and partition at most once.' }),
  })
  .openapi('CommitOffsets', { ...jsonSchemaKeywords({ dependentRequired: { memberId: ['memberEpoch'], memberEpoch: ['memberId'] } }) });

/** Its own object, not CommitOffset extended: that one forbids properties it does not list, committedAt among them. */
const CommittedSchema = z
  .object({
    offsets: z.array(
      z.object({ topic: TopicName, partition: PartitionNumber, offset: Offset, committedAt: Timestamp }).openapi('CommittedOffset'),
    ),
  })
  .openapi('CommittedOffsets');

const ResetSchema = z
  .strictObject({
    to: z.enum([ResetTarget.earliest, ResetTarget.latest, ResetTarget.timestamp, ResetTarget.offset]),
    timestamp: Timestamp.optional().openapi({ description: 'With to=timestamp: first offset at or after it, per partition.' }),
    offset: Offset.optional().openapi({ description: 'With to=offset: this offset in every partition.' }),
    topics: z.array(TopicName).min(1).optional().openapi({ description: 'Default: the topics the group has offsets for.' }),
  })
  .openapi('ResetOffsets', {
    example: { to: 'earliest' },
    ...jsonSchemaKeywords({
      allOf: [
        { if: { properties: { to: { const: ResetTarget.timestamp } } }, then: { properties: { timestamp: true }, required: ['timestamp'] } },
        { if: { properties: { to: { const: ResetTarget.offset } } }, then: { properties: { offset: true }, required: ['offset'] } },
      ],
    }),
  });

const PartitionLagSchema = z
  .object({
    topic: TopicName,
    partition: PartitionNumber,
    committedOffset: Offset.nullable(),
    committedAt: Timestamp.nullable(),
    logStartOffset: Offset,
    highWatermark: Offset,
    lag: safeInt().nullable().openapi({ description: 'highWatermark - committedOffset; null if never committed.' }),
  })
  .openapi('PartitionLag');

const GroupOffsetsSchema = z
  .object({ group: GroupName, offsets: z.array(PartitionLagSchema), totalLag: safeInt() })
  .openapi('GroupOffsets');

const GroupStateSchema = z.enum(['empty', 'reconciling', 'stable']).openapi({
  description: 'empty: no members; reconciling: some partitions are moving; stable: every member has its target.',
});

const GroupSchema = GroupOffsetsSchema.extend({
  state: GroupStateSchema,
  groupEpoch: safeInt().openapi({ description: 'Bumps whenever the target assignment changes.' }),
  members: z.array(
    z
      .object({
        memberId: z.string(),
        memberEpoch: MemberEpoch,
        topics: z.array(TopicName),
        sessionTimeoutMs: safeInt(1),
        autoOffsetReset: z.enum([AutoOffsetReset.earliest, AutoOffsetReset.latest]),
        joinedAt: Timestamp,
        sessionExpiresAt: Timestamp,
        assignment: z.array(TopicPartitionSchema),
        revoking: z.array(TopicPartitionSchema).openapi({ description: 'Taken away; not yet released by the member.' }),
        target: z.array(TopicPartitionSchema).openapi({ description: 'What it will have once revocations are done.' }),
      })
      .openapi('GroupMember'),
  ),
}).openapi('Group');

const GroupSummarySchema = z
  .object({ group: GroupName, state: GroupStateSchema, groupEpoch: safeInt(), members: safeInt() })
  .openapi('GroupSummary');

const PollSchema = z
  .object({
    records: z.array(RecordSchema),
    memberEpoch: MemberEpoch,
    assignment: z.array(TopicPartitionSchema),
    nextOffsets: z.array(CommitOffsetSchema).openapi({
      description: 'The member’s position per assigned partition after this poll: commit these once the records are processed.',
    }),
  })
  .openapi('GroupPoll');

const tags = ['groups'];

const listGroups = apiRoute({
  method: 'get',
  path: '/v1/groups',
  tags,
  operationId: 'listGroups',
  summary: 'List consumer groups',
  responses: { 200: jsonResponse(z.object({ groups: z.array(GroupSummarySchema) }), 'Every group, by name') },
});

const getGroup = apiRoute({
  method: 'get',
  path: '/v1/groups/{group}',
  tags,
  operationId: 'getGroup',
  summary: 'Describe a group: state, members with assignments and epochs, committed offsets and lag',
  request: { params: GroupParam },
  responses: { 200: jsonResponse(GroupSchema, 'The group'), 400: problem('Invalid group name'), 404: problem('No such group') },
});

const deleteGroup = apiRoute({
  method: 'delete',
  path: '/v1/groups/{group}',
  tags,
  operationId: 'deleteGroup',
  summary: 'Delete a group without members, with its committed offsets',
  request: { params: GroupParam },
  responses: {
    204: { description: 'Deleted' },
    400: problem('Invalid group name'),
    404: problem('No such group'),
    409: problem('The group has members'),
  },
});

const joinGroup = apiRoute({
  method: 'post',
  path: '/v1/groups/{group}/members',
  tags,
  operationId: 'joinGroup',
  summary: 'Join a group (creating it); the server assigns partitions',
  request: { params: GroupParam, body: jsonBody(JoinSchema) },
  responses: {
    201: { ...jsonResponse(MembershipSchema, 'Joined'), headers: LOCATION },
    400: problem('Invalid request (e.g. session timeout out of bounds)'),
    404: problem('A topic does not exist'),
    409: problem('The group has groupMaxMembers members already, or it is new and there are groupMaxGroups groups already'),
  },
});

const heartbeat = apiRoute({
  method: 'post',
  path: '/v1/groups/{group}/members/{memberId}/heartbeat',
  tags,
  operationId: 'heartbeat',
  summary: 'Report owned partitions; learn the current assignment and epoch',
  request: { params: MemberParam, body: jsonBody(HeartbeatSchema) },
  responses: {
    200: jsonResponse(MembershipSchema, 'The member’s assignment now'),
    400: problem('Invalid request'),
    404: problem('No such group or member'),
    409: problem('Fenced: expelled, left, or a stale epoch; join again'),
  },
});

const leaveGroup = apiRoute({
  method: 'delete',
  path: '/v1/groups/{group}/members/{memberId}',
  tags,
  operationId: 'leaveGroup',
  summary: 'Leave the group; its partitions move to the others at once',
  request: { params: MemberParam },
  responses: {
    204: { description: 'Left' },
    400: problem('Invalid group name or member id'),
    404: problem('No such group or member'),
    409: problem('Already expelled or left'),
  },
});

const poll = apiRoute({
  method: 'get',
  path: '/v1/groups/{group}/members/{memberId}/records',
  tags,
  operationId: 'pollGroup',
  summary: 'Read records from the member’s partitions from its position; long-polls with waitMs',
  request: {
    params: MemberParam,
    query: z.object({
      limit: queryInt('Most records to return.', 1).optional(),
      maxBytes: queryInt('Soft byte budget (keys, values, headers); the first record is always returned.', 1).optional(),
      waitMs: queryInt('With no record ready, wait up to this long for one.').optional(),
      minBytes: MinBytesQuery.optional(),
    }),
  },
  responses: {
    200: jsonResponse(PollSchema, 'Records, interleaved across partitions, in offset order within each'),
    400: problem('Invalid query'),
    404: problem('No such group or member'),
    409: problem('Fenced: expelled or left; join again'),
  },
});

const commitOffsets = apiRoute({
  method: 'post',
  path: '/v1/groups/{group}/offsets',
  tags,
  operationId: 'commitOffsets',
  summary: 'Commit offsets (next offset to read) as a member, or as an administrator while the group is empty',
  request: { params: GroupParam, body: jsonBody(CommitSchema) },
  responses: {
    200: jsonResponse(CommittedSchema, 'Stored'),
    400: problem('Invalid offsets (negative, not integers, past the high watermark)'),
    404: problem('No such group, member, topic or partition'),
    409: problem(
      'Fenced member, stale epoch, partition not owned, or (without memberId) a group with members or, for a new group, groupMaxGroups groups already',
    ),
  },
});

const getOffsets = apiRoute({
  method: 'get',
  path: '/v1/groups/{group}/offsets',
  tags,
  operationId: 'getGroupOffsets',
  summary: 'Committed offsets, high watermarks and lag',
  request: { params: GroupParam },
  responses: { 200: jsonResponse(GroupOffsetsSchema, 'Offsets and lag'), 400: problem('Invalid group name'), 404: problem('No such group') },
});

const resetOffsets = apiRoute({
  method: 'post',
  path: '/v1/groups/{group}/offsets/reset',
  tags,
  operationId: 'resetGroupOffsets',
  summary: 'Move a group without members to earliest, latest, a time or an offset',
  request: { params: GroupParam, body: jsonBody(ResetSchema) },
  responses: {
    200: jsonResponse(GroupOffsetsSchema, 'The new offsets'),
    400: problem('Invalid request'),
    404: problem('No such group or topic'),
    409: problem('The group has members'),
  },
});

/**
 * A group's offsets and lag as the caller may see them: only topics it may describe (Kafka's
 * OffsetFetch leaves unauthorized topics out the same way), with the total over those alone.
 */
function describableOffsets<T extends GroupOffsets>(principal: Principal, answer: T): T {
  const offsets = answer.offsets.filter((o) => principal.can({ kind: 'topic', name: o.topic }, 'describe'));
  if (offsets.length === answer.offsets.length) return answer;
  return { ...answer, offsets, totalLag: offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0) };
}

export function groupRoutes(groups: GroupCoordinator, config: Config, shutdown: AbortSignal) {
  // A group's requests go to its coordinating gateway (several gateways on one cluster: group-forwarding.ts).
  const forward = forwardGroupRequests(groups, config.advertisedUrl ?? '');
  const router = newRouter();
  router.use('/v1/groups/:group', forward);
  router.use('/v1/groups/:group/*', forward);
  return router
    .openapi(listGroups, async (c) => {
      const principal = c.get('principal');
      return c.json({ groups: (await groups.listAll()).filter((g) => principal.can({ kind: 'group', name: g.group }, 'describe')) }, 200);
    })
    .openapi(getGroup, async (c) => c.json(describableOffsets(c.get('principal'), await groups.describe(c.req.valid('param').group)), 200))
    .openapi(deleteGroup, async (c) => {
      await groups.deleteGroup(c.req.valid('param').group);
      return c.body(null, 204);
    })
    .openapi(joinGroup, async (c) => {
      const { group } = c.req.valid('param');
      const membership = await withFieldPrefix('body', () => groups.join(group, c.req.valid('json')));
      return c.json(membership, 201, { location: `/v1/groups/${group}/members/${membership.memberId}` });
    })
    .openapi(heartbeat, async (c) => {
      const { group, memberId } = c.req.valid('param');
      const { waitMs, ...beat } = c.req.valid('json');
      // Only a heartbeat that may wait listens (as a read: read-options.ts).
      const signals = waitMs ? [clientGone(c), shutdown] : [];
      return c.json(await groups.heartbeat(group, memberId, beat, { waitMs: waitMs ?? 0, signals }), 200);
    })
    .openapi(leaveGroup, async (c) => {
      const { group, memberId } = c.req.valid('param');
      await groups.leave(group, memberId);
      return c.body(null, 204);
    })
    .openapi(poll, async (c) => {
      const { group, memberId } = c.req.valid('param');
      const result = await groups.poll(group, memberId, readOptions(c.req.valid('query'), config, c, shutdown));
      // Records are spliced in as serialized by the core (stored JSON text is not parsed again).
      const tail = `,"memberEpoch":${result.memberEpoch},"assignment":${JSON.stringify(result.assignment)},"nextOffsets":${JSON.stringify(result.nextOffsets)}}`;
      return jsonText<never>(joinRecordChunks(result.records, RECORDS_FIELD, Buffer.from(tail)), 200);
    })
    .openapi(commitOffsets, async (c) => {
      const { group } = c.req.valid('param');
      const offsets = await withFieldPrefix('body', () => groups.commit(group, c.req.valid('json')));
      return c.json({ offsets }, 200);
    })
    .openapi(getOffsets, async (c) => c.json(describableOffsets(c.get('principal'), await groups.offsets(c.req.valid('param').group)), 200))
    .openapi(resetOffsets, async (c) => {
      const { group } = c.req.valid('param');
      const offsets = await withFieldPrefix('body', () => groups.resetOffsets(group, c.req.valid('json')));
      return c.json(offsets, 200);
    });
}
