/** One topic: its partitions' offsets, its settings, a produce form, the live tail; delete it. */
import { useState } from 'preact/hooks';
import { api, ApiError, paths, type PartitionPage, type Topic } from './api.js';
import { fmt, usePoll } from './hooks.js';
import { useThroughput } from './topics.js';
import { LiveTail } from './tail.js';
import { ConfirmByName, ProblemLine, Sparkline } from './widgets.js';

type ValueFormat = 'json' | 'text' | 'base64';

/** "name: value" lines into record headers. */
function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`header line "${line}" is not name: value`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function ProduceForm({ topic }: { topic: Topic }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [format, setFormat] = useState<ValueFormat>('json');
  const [headers, setHeaders] = useState('');
  const [partition, setPartition] = useState('');
  const [ack, setAck] = useState<string>();
  const [error, setError] = useState<ApiError>();
  return (
    <form
      class="stack-form"
      aria-labelledby="produce-title"
      onSubmit={async (e) => {
        e.preventDefault();
        setAck(undefined);
        try {
          let parsed: unknown = value;
          if (format === 'json') {
            try {
              parsed = JSON.parse(value);
            } catch {
              throw new ApiError(0, 'INVALID_JSON', 'the value is not JSON: choose text, or fix it');
            }
          }
          const record: Record<string, unknown> = { value: parsed, headers: parseHeaders(headers) };
          if (format === 'base64') record.valueEncoding = 'base64';
          if (key !== '') record.key = key;
          if (partition !== '') record.partition = Number(partition);
          const res = await api<{ records: { partition: number; offset: number; timestamp: number }[] }>('POST', paths.records(topic.name), { records: [record] });
          const r = res.records[0]!;
          setAck(`on disk: partition ${r.partition}, offset ${r.offset}, at ${fmt.time(r.timestamp)}`);
          setError(undefined);
        } catch (err) {
          setError(err instanceof ApiError ? err : new ApiError(0, 'INVALID_INPUT', (err as Error).message));
        }
      }}
    >
      <h2 id="produce-title">Produce a record</h2>
      <label>
        Key (empty: none)
        <input value={key} onInput={(e) => setKey(e.currentTarget.value)} />
      </label>
      <label>
        Value
        <textarea rows={4} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>Value is</legend>
        {(['json', 'text', 'base64'] as const).map((f) => (
          <label key={f} class="radio">
            <input type="radio" name="format" value={f} checked={format === f} onChange={() => setFormat(f)} />
            {f === 'json' ? 'JSON' : f === 'text' ? 'text' : 'binary (base64)'}
          </label>
        ))}
      </fieldset>
      <label>
        Headers (one "name: value" a line)
        <textarea rows={2} value={headers} onInput={(e) => setHeaders(e.currentTarget.value)} />
      </label>
      <label>
        Partition (empty: by key, or round-robin)
        <input type="number" min="0" max={topic.partitions - 1} value={partition} onInput={(e) => setPartition(e.currentTarget.value)} />
      </label>
      <button type="submit">Produce</button>
      {ack ? (
        <p class="ack" role="status" data-testid="produce-ack">
          {ack}
        </p>
      ) : null}
      <ProblemLine error={error} />
    </form>
  );
}

/** A number field's text for a setting: empty when unset (null or absent). */
function shown(value: number | null | undefined): string {
  return value == null ? '' : String(value);
}

/** Every topic setting the API has (PATCH /v1/topics/{topic}); an empty number field clears it or keeps its default. */
function Settings({ topic, onSaved }: { topic: Topic; onSaved: () => void }) {
  const c = topic.config;
  const [partitions, setPartitions] = useState(String(topic.partitions));
  const [retention, setRetention] = useState(shown(c.retentionMs));
  const [retentionBytes, setRetentionBytes] = useState(shown(c.retentionBytes));
  const [policy, setPolicy] = useState(c.cleanupPolicy ?? 'delete');
  const [deleteRetention, setDeleteRetention] = useState(shown(c.deleteRetentionMs));
  const [compactionLag, setCompactionLag] = useState(shown(c.minCompactionLagMs));
  const [valueSchema, setValueSchema] = useState(c.valueSchemaValidation ?? false);
  const [keySchema, setKeySchema] = useState(c.keySchemaValidation ?? false);
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);
  const optional = (text: string) => (text.trim() === '' ? null : Number(text));
  return (
    <form
      class="inline-form"
      aria-labelledby="settings-title"
      onSubmit={async (e) => {
        e.preventDefault();
        const config: Topic['config'] = {
          retentionMs: optional(retention),
          retentionBytes: optional(retentionBytes),
          cleanupPolicy: policy,
          valueSchemaValidation: valueSchema,
          keySchemaValidation: keySchema,
        };
        // These two have defaults rather than "none": an empty field leaves them as they are.
        if (deleteRetention.trim() !== '') config.deleteRetentionMs = Number(deleteRetention);
        if (compactionLag.trim() !== '') config.minCompactionLagMs = Number(compactionLag);
        try {
          await api('PATCH', paths.topic(topic.name), { partitions: Number(partitions), config });
          setError(undefined);
          setSaved(true);
          onSaved();
        } catch (err) {
          setError(err as ApiError);
          setSaved(false);
        }
      }}
    >
      <h2 id="settings-title">Settings</h2>
      <label>
        Partitions (can only grow)
        <input type="number" min={topic.partitions} value={partitions} onInput={(e) => setPartitions(e.currentTarget.value)} />
      </label>
      <label>
        Retention (ms, empty: forever)
        <input type="number" min="1" value={retention} onInput={(e) => setRetention(e.currentTarget.value)} />
      </label>
      <label>
        Retention (bytes per partition, empty: no limit)
        <input type="number" min="1" value={retentionBytes} onInput={(e) => setRetentionBytes(e.currentTarget.value)} />
      </label>
      <label>
        Cleanup policy
        <select value={policy} onChange={(e) => setPolicy(e.currentTarget.value as typeof policy)}>
          <option value="delete">delete</option>
          <option value="compact">compact</option>
          <option value="compact,delete">compact,delete</option>
        </select>
      </label>
      <label>
        Tombstones kept after compaction (ms)
        <input type="number" min="0" value={deleteRetention} onInput={(e) => setDeleteRetention(e.currentTarget.value)} />
      </label>
      <label>
        Minimum compaction lag (ms)
        <input type="number" min="0" value={compactionLag} onInput={(e) => setCompactionLag(e.currentTarget.value)} />
      </label>
      <label>
        <input type="checkbox" checked={valueSchema} onChange={(e) => setValueSchema(e.currentTarget.checked)} /> Validate values against
        the schema registry
      </label>
      <label>
        <input type="checkbox" checked={keySchema} onChange={(e) => setKeySchema(e.currentTarget.checked)} /> Validate keys against the
        schema registry
      </label>
      <button type="submit">Save settings</button>
      {saved ? <span role="status">saved</span> : null}
      <ProblemLine error={error} />
    </form>
  );
}

/** Partitions a page: the topic page asks the gateway for this many and polls only them. */
export const PARTITIONS_PER_PAGE = 100;

function Partitions({ topic }: { topic: Topic }) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(topic.partitions / PARTITIONS_PER_PAGE));
  const current = Math.min(page, pages - 1);
  const from = current * PARTITIONS_PER_PAGE;
  const { data, error } = usePoll(() => api<PartitionPage>('GET', paths.partitions(topic.name, from, PARTITIONS_PER_PAGE)), 2000, [topic.name, from]);
  const rows = data?.partitions ?? [];
  return (
    <>
      <h2>Partitions</h2>
      <ProblemLine error={error} />
      <table class="grid" aria-label="partitions">
        <thead>
          <tr>
            <th scope="col" class="num">Partition</th>
            <th scope="col" class="num">Log start</th>
            <th scope="col" class="num">High watermark</th>
            <th scope="col" class="num">Records</th>
            <th scope="col" class="num">Size</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.partition}>
              <th scope="row" class="num">
                {p.partition}
              </th>
              <td class="num">{fmt.int(p.logStartOffset)}</td>
              <td class="num">{fmt.int(p.highWatermark)}</td>
              <td class="num">{fmt.int(p.highWatermark - p.logStartOffset)}</td>
              <td class="num" title={`${fmt.int(p.bytes)} bytes`}>
                {fmt.bytes(p.bytes)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 ? (
        <nav class="pager" aria-label="partition pages">
          <button type="button" onClick={() => setPage(current - 1)} disabled={current === 0}>
            Previous
          </button>
          <span>
            {fmt.int(from)}–{fmt.int(from + Math.max(0, rows.length - 1))} of {fmt.int(topic.partitions)}
          </span>
          <button type="button" onClick={() => setPage(current + 1)} disabled={current >= pages - 1}>
            Next
          </button>
        </nav>
      ) : null}
    </>
  );
}

export function TopicPage({ name }: { name: string }) {
  const throughput = useThroughput();
  const { data: topic, error, refresh } = usePoll(() => api<Topic>('GET', paths.topicSummary(name)), 2000, [name], (t, at) => throughput.observe([t], at));
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<ApiError>();
  if (!topic) {
    return (
      <section>
        <h1>{name}</h1>
        <ProblemLine error={error} />
      </section>
    );
  }
  const series = throughput.series(name);
  return (
    <section aria-labelledby="topic-title">
      <p>
        <a href="#/topics">← Topics</a>
      </p>
      <h1 id="topic-title">{topic.name}</h1>
      <p class="summary">
        {fmt.int(topic.partitions)} partitions · {fmt.int(topic.records)} records · {fmt.bytes(topic.bytes)} · retention {fmt.retention(topic.config.retentionMs)} · created{' '}
        {fmt.time(topic.createdAt)} · <Sparkline values={series} label={`${fmt.rate(series.at(-1) ?? 0)} records/s`} /> {fmt.rate(series.at(-1) ?? 0)} records/s
      </p>
      <ProblemLine error={error} />
      {deleting ? (
        <ConfirmByName
          what="topic"
          name={topic.name}
          action="Delete"
          onCancel={() => setDeleting(false)}
          onConfirm={async () => {
            try {
              await api('DELETE', paths.topic(topic.name));
              location.hash = '#/topics';
            } catch (err) {
              setDeleteError(err as ApiError);
            }
          }}
        />
      ) : (
        <button type="button" class="danger" onClick={() => setDeleting(true)}>
          Delete topic…
        </button>
      )}
      <ProblemLine error={deleteError} />
      <div class="columns">
        <div>
          <Settings key={`${topic.partitions}/${JSON.stringify(topic.config)}`} topic={topic} onSaved={refresh} />
          <Partitions key={topic.partitions} topic={topic} />
        </div>
        <ProduceForm topic={topic} />
      </div>
      <LiveTail topic={topic} />
    </section>
  );
}
