/** Consumer groups: the list, and one group's members, offsets, lag over time and reset. */
import { useRef, useState } from 'preact/hooks';
import { api, type ApiError, paths, type Group, type GroupSummary, type TopicPartition } from './api.js';
import { fmt, usePoll } from './hooks.js';
import { ConfirmByName, ProblemLine, Sparkline, usePages } from './widgets.js';

export function GroupsPage() {
  const { data, error } = usePoll(() => api<{ groups: GroupSummary[] }>('GET', paths.groups), 2000, []);
  const { page, nav } = usePages(data?.groups ?? [], 50);
  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title">Consumer groups</h1>
      <ProblemLine error={error} />
      <table class="grid" aria-label="groups">
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">State</th>
            <th scope="col" class="num">Epoch</th>
            <th scope="col" class="num">Members</th>
          </tr>
        </thead>
        <tbody>
          {page.map((g) => (
            <tr key={g.group}>
              <th scope="row">
                <a href={`#/groups/${encodeURIComponent(g.group)}`}>{g.group}</a>
              </th>
              <td>{g.state}</td>
              <td class="num">{g.groupEpoch}</td>
              <td class="num">{g.members}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.groups.length === 0 ? <p class="muted">No consumer groups yet: they appear when a consumer joins one.</p> : null}
      {nav}
    </section>
  );
}

const partitionsText = (list: TopicPartition[]) => (list.length === 0 ? '—' : list.map((p) => `${p.topic}/${p.partition}`).join(', '));

function ResetForm({ group, onDone }: { group: Group; onDone: () => void }) {
  const [to, setTo] = useState<'earliest' | 'latest' | 'offset' | 'timestamp'>('earliest');
  const [value, setValue] = useState('');
  const [error, setError] = useState<ApiError>();
  const [confirming, setConfirming] = useState(false);
  const empty = group.members.length === 0;
  const body = () =>
    to === 'offset' ? { to, offset: Number(value) } : to === 'timestamp' ? { to, timestamp: Date.parse(value) } : { to };
  return (
    <div class="reset">
      <h2 id="reset-title">Reset offsets</h2>
      {empty ? null : <p class="muted">Offsets can be reset only while the group has no members.</p>}
      <form
        class="inline-form"
        aria-labelledby="reset-title"
        onSubmit={(e) => {
          e.preventDefault();
          setConfirming(true);
        }}
      >
        <label>
          Reset to
          <select value={to} onChange={(e) => setTo(e.currentTarget.value as typeof to)} disabled={!empty}>
            <option value="earliest">earliest</option>
            <option value="latest">latest</option>
            <option value="offset">offset</option>
            <option value="timestamp">time</option>
          </select>
        </label>
        {to === 'offset' ? (
          <label>
            Offset
            <input type="number" min="0" value={value} onInput={(e) => setValue(e.currentTarget.value)} required />
          </label>
        ) : null}
        {to === 'timestamp' ? (
          <label>
            Time
            <input type="datetime-local" step="1" value={value} onInput={(e) => setValue(e.currentTarget.value)} required />
          </label>
        ) : null}
        <button type="submit" disabled={!empty}>
          Reset offsets…
        </button>
      </form>
      {confirming ? (
        <ConfirmByName
          what="group"
          name={group.group}
          action="Reset"
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            try {
              await api('POST', paths.reset(group.group), body());
              setError(undefined);
              setConfirming(false);
              onDone();
            } catch (err) {
              setError(err as ApiError);
            }
          }}
        />
      ) : null}
      <ProblemLine error={error} />
    </div>
  );
}

export function GroupPage({ name }: { name: string }) {
  // The lag over the last 120 polls (two minutes at one a second), kept by this page.
  const history = useRef<number[]>([]);
  const { data: group, error, refresh } = usePoll(() => api<Group>('GET', paths.group(name)), 1000, [name], (g) => {
    history.current.push(g.totalLag);
    if (history.current.length > 120) history.current.shift();
  });
  const offsets = usePages(group?.offsets ?? [], 100);
  if (!group) {
    return (
      <section>
        <h1>{name}</h1>
        <ProblemLine error={error} />
      </section>
    );
  }
  return (
    <section aria-labelledby="group-title">
      <p>
        <a href="#/groups">← Consumer groups</a>
      </p>
      <h1 id="group-title">{group.group}</h1>
      <p class="summary">
        state <strong data-testid="group-state">{group.state}</strong> · epoch {group.groupEpoch} · {group.members.length} members · total lag{' '}
        <strong data-testid="group-lag" data-lag={group.totalLag}>
          {fmt.int(group.totalLag)}
        </strong>
      </p>
      <figure class="lag-chart">
        <Sparkline values={history.current} width={480} height={80} label={`total lag over the last ${history.current.length} seconds, now ${group.totalLag}`} />
        <figcaption>Total lag, last {history.current.length} s</figcaption>
      </figure>
      <ProblemLine error={error} />
      <h2>Members</h2>
      <table class="grid" aria-label="members">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col" class="num">Epoch</th>
            <th scope="col">Assigned</th>
            <th scope="col">Revoking</th>
            <th scope="col">Session expires</th>
          </tr>
        </thead>
        <tbody>
          {group.members.map((m) => (
            <tr key={m.memberId}>
              <th scope="row">
                <code>{m.memberId}</code>
              </th>
              <td class="num">{m.memberEpoch}</td>
              <td>{partitionsText(m.assignment)}</td>
              <td>{partitionsText(m.revoking)}</td>
              <td>{fmt.time(m.sessionExpiresAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {group.members.length === 0 ? <p class="muted">No members.</p> : null}
      <h2>Offsets and lag</h2>
      <table class="grid" aria-label="offsets">
        <thead>
          <tr>
            <th scope="col">Topic</th>
            <th scope="col" class="num">Partition</th>
            <th scope="col" class="num">Committed</th>
            <th scope="col" class="num">High watermark</th>
            <th scope="col" class="num">Lag</th>
            <th scope="col">Committed at</th>
          </tr>
        </thead>
        <tbody>
          {offsets.page.map((o) => (
            <tr key={`${o.topic}/${o.partition}`}>
              <td>
                <a href={`#/topics/${encodeURIComponent(o.topic)}`}>{o.topic}</a>
              </td>
              <td class="num">{o.partition}</td>
              <td class="num">{o.committedOffset === null ? '—' : fmt.int(o.committedOffset)}</td>
              <td class="num">{fmt.int(o.highWatermark)}</td>
              <td class="num">{o.lag === null ? '—' : fmt.int(o.lag)}</td>
              <td>{o.committedAt === null ? '—' : fmt.time(o.committedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {offsets.nav}
      <ResetForm group={group} onDone={refresh} />
    </section>
  );
}
