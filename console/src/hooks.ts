/** Small hooks shared by the pages: the hash route, and polling the API while a page is shown. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

/** The route is the hash (#/topics/orders): the gateway serves one page, and links work offline. */
export function useRoute(): string[] {
  const parse = () =>
    location.hash
      .replace(/^#\/?/, '')
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const onChange = () => setRoute(parse());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export interface Polled<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** Asks again now (after a change the user made). */
  refresh: () => void;
}

/**
 * Calls `load` now and every `everyMs` while the page is shown and the tab visible; a hidden tab
 * asks nothing. `onData` sees every answer (for charts over time).
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[], onData?: (data: T, at: number) => void): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [tick, setTick] = useState(0);
  const onDataRef = useRef(onData);
  onDataRef.current = onData;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (stopped) return;
      if (document.visibilityState !== 'hidden') {
        try {
          const value = await load();
          if (stopped) return;
          setData(value);
          setError(undefined);
          onDataRef.current?.(value, Date.now());
        } catch (err) {
          if (stopped) return;
          setError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));
        }
      }
      timer = setTimeout(run, everyMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { data, error, refresh: () => setTick((t) => t + 1) };
}

export const fmt = {
  int: (n: number) => n.toLocaleString('en-US'),
  time: (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC'),
  retention: (ms: number | null | undefined) => (ms == null ? 'forever' : ms % 86_400_000 === 0 ? `${ms / 86_400_000} d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${fmt.int(ms)} ms`),
  bytes: (n: number) => {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return i === 0 ? `${n} B` : `${n.toFixed(n >= 100 ? 0 : 1)} ${units[i]}`;
  },
  rate: (perSecond: number) => (perSecond >= 100 ? fmt.int(Math.round(perSecond)) : perSecond.toFixed(1)),
};
