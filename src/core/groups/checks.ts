/** Group names and the errors every group operation shares. */
import { ErrorCode, GatewayError, invalid } from '../../errors.js';
import type { TopicPartition } from '../assignor.js';
import { checkName } from '../names.js';

/**
 * The one group-name rule (REST and WebSocket validate with it too): Kafka's topic-name rule,
 * so no group is named '.' or '..', which no URL can reach. Returns the reason a name is invalid.
 */
export const checkGroupName = checkName;

/** Throws INVALID_REQUEST naming the `group` field. */
export function checkGroup(group: string): void {
  const reason = checkGroupName(group);
  if (reason) throw invalid(`invalid group name: ${reason}`, [{ path: 'group', message: reason }]);
}

export function staleEpoch(group: string, memberId: string, given: number, current: number): GatewayError {
  return new GatewayError(
    ErrorCode.FENCED_MEMBER,
    `member epoch ${given} is stale; member ${memberId} of group '${group}' is at epoch ${current}`,
    { group, memberId, memberEpoch: given, currentEpoch: current },
  );
}

export function notOwner(group: string, memberId: string, tp: TopicPartition): GatewayError {
  return new GatewayError(
    ErrorCode.NOT_PARTITION_OWNER,
    `member ${memberId} of group '${group}' does not own ${tp.topic}/${tp.partition}`,
    { group, memberId, topic: tp.topic, partition: tp.partition },
  );
}

