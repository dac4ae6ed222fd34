/** Small views shared by the pages: charts, problems, pagination, a record's JSON. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiError } from './api.js';
import { fmt } from './hooks.js';

/** A line over time, scaled to its own range; `label` is what a screen reader hears. */
export function Sparkline({ values, label, width = 120, height = 28 }: { values: number[]; label: string; width?: number; height?: number }) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  return (
    <svg class="spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} data-points={values.length} data-peak={Math.max(0, ...values)}>
      <title>{label}</title>
      {values.length > 1 ? <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" /> : null}
    </svg>
  );
}

export function ProblemLine({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <p class="problem" role="alert">
      {error.status ? `${error.status} ${error.code}: ` : ''}
      {error.message}
    </p>
  );
}

/** Page through long lists (thousands of topics, groups or partitions) a screenful at a time. */
export function usePages<T>(items: T[], size: number): { page: T[]; nav: ComponentChildren } {
  const [index, setIndex] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(index, pages - 1);
  const page = items.slice(current * size, current * size + size);
  const nav =
    items.length > size ? (
      <nav class="pager" aria-label="pages">
        <button type="button" onClick={() => setIndex(current - 1)} disabled={current === 0}>
          Previous
        </button>
        <span>
          {fmt.int(current * size + 1)}–{fmt.int(current * size + page.length)} of {fmt.int(items.length)}
        </span>
        <button type="button" onClick={() => setIndex(current + 1)} disabled={current >= pages - 1}>
          Next
        </button>
      </nav>
    ) : null;
  return { page, nav };
}

/** JSON, pretty-printed, every object and array collapsible (open to two levels). */
export function JsonView({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === null || typeof value !== 'object') {
    return <span class={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>;
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return <span>{open + close}</span>;
  return (
    <details class="json" open={depth < 2}>
      <summary>
        {open}
        <span class="muted"> {entries.length} {Array.isArray(value) ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'} </span>
      </summary>
      <div class="json-body">
        {entries.map(([k, v]) => (
          <div key={k}>
            {Array.isArray(value) ? null : <span class="json-key">{JSON.stringify(k)}: </span>}
            <JsonView value={v} depth={depth + 1} />
          </div>
        ))}
      </div>
      {close}
    </details>
  );
}

/** Bytes in a base64 string, without decoding it. */
export function base64Length(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return (b64.length / 4) * 3 - pad;
}

/** A confirmation that names what it destroys: the button works once the name is typed. */
export function ConfirmByName({ what, name, action, onConfirm, onCancel }: { what: string; name: string; action: string; onConfirm: () => void; onCancel: () => void }) {
  const [typed, setTyped] = useState('');
  return (
    <form
      class="confirm"
      role="alertdialog"
      aria-label={`${action} ${what} ${name}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (typed === name) onConfirm();
      }}
    >
      <p>
        {action} {what} <strong>{name}</strong>? This cannot be undone. Type <code>{name}</code> to confirm.
      </p>
      <label>
        {what} name
        <input value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autoFocus autoComplete="off" />
      </label>
      <button type="submit" class="danger" disabled={typed !== name}>
        {action} {name}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
