/** The topics list: counts, settings and throughput of every topic; create one. */
import { useRef, useState } from 'preact/hooks';
import { api, type ApiError, paths, type Topic } from './api.js';
import { fmt, usePoll } from './hooks.js';
import { ProblemLine, Sparkline, usePages } from './widgets.js';

export const recordsIn = (t: Topic) => t.partitionOffsets.reduce((n, p) => n + p.highWatermark - p.logStartOffset, 0);
const appended = (t: Topic) => t.partitionOffsets.reduce((n, p) => n + p.highWatermark, 0);

/** Records/s per topic, from the growth of its high watermarks between two polls (last 30 polls). */
export function useThroughput() {
  const last = useRef(new Map<string, { at: number; total: number }>());
  const series = useRef(new Map<string, number[]>());
  const observe = (topics: Topic[], at: number) => {
    for (const t of topics) {
      const total = appended(t);
      const before = last.current.get(t.name);
      if (before && at > before.at) {
        const values = series.current.get(t.name) ?? [];
        values.push(Math.max(0, ((total - before.total) * 1000) / (at - before.at)));
        if (values.length > 30) values.shift();
        series.current.set(t.name, values);
      }
      last.current.set(t.name, { at, total });
    }
  };
  return { observe, series: (name: string) => series.current.get(name) ?? [] };
}

function CreateTopic({ onCreated }: { onCreated: (name: string) => void }) {
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('1');
  const [retention, setRetention] = useState('');
  const [error, setError] = useState<ApiError>();
  return (
    <form
      class="inline-form"
      aria-label="create a topic"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const config = retention.trim() === '' ? undefined : { retentionMs: Number(retention) };
          await api('POST', paths.topics, { name, partitions: Number(partitions), config });
          setError(undefined);
          setName('');
          onCreated(name);
        } catch (err) {
          setError(err as ApiError);
        }
      }}
    >
      <label>
        Topic name
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} required pattern="[a-zA-Z0-9._\-]+" />
      </label>
      <label>
        Partitions
        <input type="number" min="1" value={partitions} onInput={(e) => setPartitions(e.currentTarget.value)} required />
      </label>
      <label>
        Retention (ms, empty: forever)
        <input type="number" min="1" value={retention} onInput={(e) => setRetention(e.currentTarget.value)} />
      </label>
      <button type="submit">Create topic</button>
      <ProblemLine error={error} />
    </form>
  );
}

export function TopicsPage() {
  const throughput = useThroughput();
  const [filter, setFilter] = useState('');
  const { data, error, refresh } = usePoll(() => api<{ topics: Topic[] }>('GET', paths.topics), 2000, [], (d, at) => throughput.observe(d.topics, at));
  const topics = (data?.topics ?? []).filter((t) => t.name.includes(filter));
  const { page, nav } = usePages(topics, 50);
  return (
    <section aria-labelledby="topics-title">
      <h1 id="topics-title">Topics</h1>
      <CreateTopic onCreated={(name) => (refresh(), (location.hash = `#/topics/${encodeURIComponent(name)}`))} />
      <ProblemLine error={error} />
      <label class="filter">
        Filter topics
        <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      </label>
      <table class="grid" aria-label="topics">
        <thead>
          <tr>
            <th scope="col">Topic</th>
            <th scope="col" class="num">Partitions</th>
            <th scope="col" class="num">Records</th>
            <th scope="col">Retention</th>
            <th scope="col">Created</th>
            <th scope="col">Records/s</th>
          </tr>
        </thead>
        <tbody>
          {page.map((t) => {
            const series = throughput.series(t.name);
            const rate = series.at(-1) ?? 0;
            return (
              <tr key={t.name}>
                <th scope="row">
                  <a href={`#/topics/${encodeURIComponent(t.name)}`}>{t.name}</a>
                </th>
                <td class="num">{fmt.int(t.partitions)}</td>
                <td class="num">{fmt.int(recordsIn(t))}</td>
                <td>{fmt.retention(t.config.retentionMs)}</td>
                <td>{fmt.time(t.createdAt)}</td>
                <td>
                  <div class="rate">
                    <Sparkline values={series} label={`${t.name}: ${fmt.rate(rate)} records/s`} />
                    <span>{fmt.rate(rate)}</span>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {data && topics.length === 0 ? <p class="muted">{filter ? 'No topic matches.' : 'No topics yet: create one above.'}</p> : null}
      {nav}
    </section>
  );
}
