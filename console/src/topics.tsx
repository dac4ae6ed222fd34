/** The topics list, a page at a time from the gateway: counts, sizes, settings and throughput; create one. */
import { useRef, useState } from 'preact/hooks';
import { api, type ApiError, paths, type Topic, type TopicPage } from './api.js';
import { fmt, usePoll } from './hooks.js';
import { ProblemLine, Sparkline } from './widgets.js';

/** Topics a page: the list asks the gateway for this many and polls only them. */
export const TOPICS_PER_PAGE = 50;

/** Records/s per topic, from the growth of its appended records between two polls (last 30 polls). */
export function useThroughput() {
  const last = useRef(new Map<string, { at: number; total: number }>());
  const series = useRef(new Map<string, number[]>());
  const observe = (topics: Topic[], at: number) => {
    for (const t of topics) {
      const total = t.appendedRecords;
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
  // The cursors of the pages before this one (Previous pops one); undefined: the first page.
  const [cursors, setCursors] = useState<(string | undefined)[]>([]);
  const [cursor, setCursor] = useState<string>();
  const { data, error, refresh } = usePoll(
    () => api<TopicPage>('GET', paths.topicPage({ limit: TOPICS_PER_PAGE, cursor, contains: filter || undefined })),
    2000,
    [cursor, filter],
    (d, at) => throughput.observe(d.topics, at),
  );
  const topics = data?.topics ?? [];
  const first = cursors.length * TOPICS_PER_PAGE;
  return (
    <section aria-labelledby="topics-title">
      <h1 id="topics-title">Topics</h1>
      <CreateTopic onCreated={(name) => (refresh(), (location.hash = `#/topics/${encodeURIComponent(name)}`))} />
      <ProblemLine error={error} />
      <label class="filter">
        Filter topics
        <input
          type="search"
          value={filter}
          onInput={(e) => {
            setFilter(e.currentTarget.value);
            setCursors([]);
            setCursor(undefined);
          }}
        />
      </label>
      <table class="grid" aria-label="topics">
        <thead>
          <tr>
            <th scope="col">Topic</th>
            <th scope="col" class="num">Partitions</th>
            <th scope="col" class="num">Records</th>
            <th scope="col" class="num">Size</th>
            <th scope="col">Retention</th>
            <th scope="col">Created</th>
            <th scope="col">Records/s</th>
          </tr>
        </thead>
        <tbody>
          {topics.map((t) => {
            const series = throughput.series(t.name);
            const rate = series.at(-1) ?? 0;
            return (
              <tr key={t.name}>
                <th scope="row">
                  <a href={`#/topics/${encodeURIComponent(t.name)}`}>{t.name}</a>
                </th>
                <td class="num">{fmt.int(t.partitions)}</td>
                <td class="num">{fmt.int(t.records)}</td>
                <td class="num" title={`${fmt.int(t.bytes)} bytes`}>
                  {fmt.bytes(t.bytes)}
                </td>
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
      {data && data.total === 0 ? <p class="muted">{filter ? 'No topic matches.' : 'No topics yet: create one above.'}</p> : null}
      {data && (cursors.length > 0 || data.nextCursor !== undefined) ? (
        <nav class="pager" aria-label="pages">
          <button type="button" onClick={() => (setCursor(cursors.at(-1)), setCursors(cursors.slice(0, -1)))} disabled={cursors.length === 0}>
            Previous
          </button>
          <span>
            {fmt.int(first + 1)}–{fmt.int(first + topics.length)} of {fmt.int(data.total)}
          </span>
          <button type="button" onClick={() => (setCursors([...cursors, cursor]), setCursor(data.nextCursor))} disabled={data.nextCursor === undefined}>
            Next
          </button>
        </nav>
      ) : null}
    </section>
  );
}
