/**
 * Access control for a multiplexed socket's commands, as their REST counterparts have it:
 * subscribe needs read on the topic (and on the group, for a member), produce needs write and
 * counts its bytes against the produce quota, commit needs read on each topic (and the group
 * when named). Every command counts as one request. A refused command gets an error frame;
 * the socket stays.
 */
import type { Principal } from '../auth/principal.js';
import type { Security } from '../auth/security.js';
import type { Command } from './protocol.js';

export type CommandAccess = (command: Command, frameBytes: number) => void;

export function commandAccess(principal: Principal, security: Security): CommandAccess {
  return (command, frameBytes) => {
    security.chargeRequest(principal);
    switch (command.type) {
      case 'subscribe':
        principal.require({ kind: 'topic', name: command.topic }, 'read');
        if (command.group !== undefined) principal.require({ kind: 'group', name: command.group }, 'read');
        return;
      case 'produce':
        principal.require({ kind: 'topic', name: command.topic }, 'write');
        security.chargeProduceBytes(principal, frameBytes);
        return;
      case 'commit':
        if (command.group !== undefined) principal.require({ kind: 'group', name: command.group }, 'read');
        for (const o of command.offsets) principal.require({ kind: 'topic', name: o.topic }, 'read');
        return;
      case 'unsubscribe':
      case 'credit':
        return;
    }
  };
}
