/**
 * A topic's live tail over the gateway's WebSocket, with explicit credit: the page grants records
 * a window at a time as it takes them in, and grants none while paused, so a paused tab holds the
 * server to nothing but an idle socket (README: Flow control). Resuming grants credit again and the
 * server reads on from the log where the tab stopped: nothing is lost, nothing was buffered for it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { openTopicSocket, type LogRecord, type Topic } from './api.js';
import { fmt } from './hooks.js';
import { base64Length, JsonView } from './widgets.js';

/** Records the server may send ahead; a new grant tops it up once half is used. */
const WINDOW = 2000;
/** Records kept for display (the newest); the count of everything received is kept apart. */
const KEPT = 2000;
const SHOWN = 100;

type From = 'earliest' | 'latest' | 'offset' | 'time';

interface TailState {
  status: 'connecting' | 'live' | 'paused' | 'closed';
  received: number;
  detail?: string;
}

export function RecordView({ r }: { r: LogRecord }) {
  return (
    <article class="record" aria-label={`record ${r.partition}:${r.offset}`}>
      <header>
        <span class="pos">
          {r.partition}:{r.offset}
        </span>
        <time dateTime={new Date(r.timestamp).toISOString()}>{fmt.time(r.timestamp)}</time>
        <span class="key">
          key{' '}
          {r.key === null ? <em class="muted">null</em> : r.keyEncoding === 'base64' ? <code>base64, {base64Length(r.key)} bytes: {r.key}</code> : <code>{r.key}</code>}
        </span>
        {Object.entries(r.headers).map(([k, v]) => (
          <span class="header" key={k}>
            {k}: {v}
          </span>
        ))}
      </header>
      <div class="value">
        {r.valueEncoding === 'base64' ? (
          <code class="binary">
            base64, {base64Length(r.value as string)} bytes: {r.value as string}
          </code>
        ) : typeof r.value === 'string' ? (
          <pre>{r.value}</pre>
        ) : (
          <JsonView value={r.value} />
        )}
      </div>
    </article>
  );
}

/** The `from` query for a start position; time and offset come from the form. */
function startQuery(from: From, at: string, partition: string): string {
  // An offset means one partition's offset: partitions differ in length.
  if (from === 'offset') return `${Math.trunc(Number(partition) || 0)}:${Math.max(0, Math.trunc(Number(at) || 0))}`;
  if (from === 'time') {
    const ms = Date.parse(at);
    if (Number.isNaN(ms)) throw new Error('give a date and time to start from');
    // The gateway finds where that time falls in every partition (ListOffsets): one query, however many partitions.
    return `time:${ms}`;
  }
  return from;
}

export function LiveTail({ topic }: { topic: Topic }) {
  const [from, setFrom] = useState<From>('latest');
  const [at, setAt] = useState('');
  const [partition, setPartition] = useState('0');
  const [run, setRun] = useState({ n: 0, from: 'latest' });
  const [state, setState] = useState<TailState>({ status: 'connecting', received: 0 });
  const [keyFilter, setKeyFilter] = useState('');
  const [, setFrame] = useState(0);
  const kept = useRef<LogRecord[]>([]);
  const control = useRef<{ pause(): void; resume(): void } | undefined>(undefined);

  useEffect(() => {
    kept.current = [];
    const ws = openTopicSocket(topic.name, { from: run.from, credit: '0' });
    let granted = 0;
    let received = 0;
    let paused = false;
    let drawing = false;
    const grant = () => {
      const outstanding = granted - received;
      if (paused || ws.readyState !== WebSocket.OPEN || outstanding > WINDOW / 2) return;
      ws.send(JSON.stringify({ type: 'credit', records: WINDOW - outstanding }));
      granted += WINDOW - outstanding;
    };
    // Records arrive in bursts of thousands: draw at most once a frame.
    const draw = () => {
      if (drawing) return;
      drawing = true;
      requestAnimationFrame(() => {
        drawing = false;
        setFrame((f) => f + 1);
        setState((s) => ({ ...s, received }));
      });
    };
    ws.onopen = () => {
      setState({ status: 'live', received: 0 });
      grant();
    };
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data as string) as { type: string; records?: LogRecord[]; message?: string };
      if (msg.type === 'records' && msg.records) {
        received += msg.records.length;
        const k = kept.current;
        k.push(...msg.records);
        if (k.length > KEPT) k.splice(0, k.length - KEPT);
        grant();
        draw();
      } else if (msg.type === 'error') {
        setState((s) => ({ ...s, detail: msg.message }));
      }
    };
    ws.onclose = (e) => setState((s) => ({ ...s, status: 'closed', detail: s.detail ?? (e.reason || `closed (${e.code})`) }));
    control.current = {
      pause() {
        paused = true;
        setState((s) => ({ ...s, status: 'paused' }));
      },
      resume() {
        paused = false;
        setState((s) => ({ ...s, status: 'live' }));
        grant();
      },
    };
    return () => ws.close(1000, 'the page moved on');
  }, [topic.name, run]);

  const shown = kept.current.filter((r) => keyFilter === '' || (r.key ?? '').includes(keyFilter)).slice(-SHOWN).reverse();
  return (
    <section aria-labelledby="tail-title" class="tail">
      <h2 id="tail-title">Live tail</h2>
      <form
        class="inline-form"
        aria-label="start the tail"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            const q = startQuery(from, at, partition);
            setState({ status: 'connecting', received: 0 });
            setRun((r) => ({ n: r.n + 1, from: q }));
          } catch (err) {
            setState((s) => ({ ...s, detail: (err as Error).message }));
          }
        }}
      >
        <label>
          From
          <select value={from} onChange={(e) => setFrom(e.currentTarget.value as From)}>
            <option value="earliest">earliest</option>
            <option value="latest">latest</option>
            <option value="offset">offset</option>
            <option value="time">time</option>
          </select>
        </label>
        {from === 'offset' ? (
          <label>
            Partition
            <input type="number" min="0" max={topic.partitions - 1} value={partition} onInput={(e) => setPartition(e.currentTarget.value)} required />
          </label>
        ) : null}
        {from === 'offset' ? (
          <label>
            Offset
            <input type="number" min="0" value={at} onInput={(e) => setAt(e.currentTarget.value)} required />
          </label>
        ) : null}
        {from === 'time' ? (
          <label>
            Time
            <input type="datetime-local" step="1" value={at} onInput={(e) => setAt(e.currentTarget.value)} required />
          </label>
        ) : null}
        <button type="submit">Start tail</button>
        {state.status === 'paused' ? (
          <button type="button" onClick={() => control.current?.resume()}>
            Resume
          </button>
        ) : (
          <button type="button" onClick={() => control.current?.pause()} disabled={state.status !== 'live'}>
            Pause
          </button>
        )}
        <label>
          Filter by key
          <input type="search" value={keyFilter} onInput={(e) => setKeyFilter(e.currentTarget.value)} />
        </label>
      </form>
      <p class="tail-status" role="status">
        <span data-testid="tail-state">{state.status}</span> · <span data-testid="tail-received" data-count={state.received}>{fmt.int(state.received)}</span> records received
        {state.received > KEPT ? ` (the newest ${fmt.int(KEPT)} kept)` : ''}
        {state.detail ? ` · ${state.detail}` : ''}
      </p>
      <div class="records" aria-live="off">
        {shown.map((r) => (
          <RecordView key={`${r.partition}:${r.offset}`} r={r} />
        ))}
      </div>
    </section>
  );
}
