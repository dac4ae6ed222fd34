/**
 * What the API shows of the gateway's state, to compare before and after a refused request,
 * and the fixtures the generated requests aim at (a topic, a group and one of its members),
 * put back when a request the contract test sent took them away.
 */
import type { RunningGateway } from '../helpers/gateway.js';
import type { OpenApiDocument, Operation } from './document.js';

const TOPIC = 'orders';
const GROUP = 'billing';
/** A group with committed offsets and no members: what reset and delete need. */
const IDLE_GROUP = 'audit';

/** Changes by time alone (a session's deadline moves on every heartbeat, poll and commit). */
const MOVING = new Set(['sessionExpiresAt']);

export class State {
  readonly #gw: RunningGateway;
  /** Every GET without required parameters and with a JSON answer: the lists (topics, groups) and probes. */
  readonly #lists: Operation[];
  fixtures: Record<string, string | number> = { topic: TOPIC, group: GROUP, idleGroup: IDLE_GROUP };

  constructor(gw: RunningGateway, document: OpenApiDocument) {
    this.#gw = gw;
    this.#lists = document.operations.filter(
      (op) =>
        op.method === 'GET' &&
        !op.parameters.some((p) => p.required || p.in === 'path') &&
        document.resolve(op.responses['200'] ?? {}).content?.['application/json'] !== undefined,
    );
  }

  /** Puts the fixtures back if needed, then reads the state. */
  async prepare(): Promise<string> {
    let seen = await this.#read();
    if (await this.#ensureFixtures(seen.groups)) seen = await this.#read();
    return seen.text;
  }

  async read(): Promise<string> {
    return (await this.#read()).text;
  }

  async #read(): Promise<{ text: string; groups: Record<string, any> }> {
    const parts: Record<string, unknown> = {};
    for (const op of this.#lists) parts[op.path] = (await this.#gw.json('GET', op.path)).body;
    // Group summaries leave out members and offsets: each group is described too.
    const groups: Record<string, any> = {};
    for (const g of (await this.#gw.json('GET', '/v1/groups')).body.groups as { group: string }[]) {
      groups[g.group] = (await this.#gw.json('GET', `/v1/groups/${encodeURIComponent(g.group)}`)).body;
    }
    parts.groups = groups;
    return { text: JSON.stringify(parts, (key, value) => (MOVING.has(key) ? undefined : value)), groups };
  }

  async #ensureFixtures(groups: Record<string, any>): Promise<boolean> {
    let changed = false;
    if ((await this.#gw.json('GET', `/v1/topics/${TOPIC}`)).status === 404) {
      await this.#gw.json('POST', '/v1/topics', { name: TOPIC, partitions: 3 });
      changed = true;
    }
    if (!groups[IDLE_GROUP]) {
      await this.#gw.json('POST', `/v1/groups/${IDLE_GROUP}/offsets`, { offsets: [{ topic: TOPIC, partition: 0, offset: 0 }] });
      changed = true;
    }
    const member = groups[GROUP]?.members?.find((m: any) => m.memberId === this.fixtures.memberId);
    if (member) {
      this.fixtures.memberEpoch = member.memberEpoch;
    } else {
      const joined = await this.#gw.json('POST', `/v1/groups/${GROUP}/members`, { topics: [TOPIC], autoOffsetReset: 'earliest' });
      if (joined.status === 201) {
        this.fixtures.memberId = joined.body.memberId;
        this.fixtures.memberEpoch = joined.body.memberEpoch;
        changed = true;
      }
    }
    return changed;
  }
}
