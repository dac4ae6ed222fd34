/**
 * The Logway console: a single page served by the gateway at /console, talking only to that
 * gateway's API. Routes live in the hash (#/topics/orders).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { credential, whenUnauthorized } from './api.js';
import { GroupPage, GroupsPage } from './groups.js';
import { useRoute } from './hooks.js';
import { TopicPage } from './topic.js';
import { TopicsPage } from './topics.js';
import './style.css';

type Theme = 'light' | 'dark';
const THEME_KEY = 'logway.theme';

function useTheme(): [Theme, () => void] {
  const initial = (): Theme => (localStorage.getItem(THEME_KEY) as Theme | null) ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  const [theme, setTheme] = useState<Theme>(initial);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return [
    theme,
    () => {
      const next = theme === 'dark' ? 'light' : 'dark';
      localStorage.setItem(THEME_KEY, next);
      setTheme(next);
    },
  ];
}

/** Asked for when the gateway answers 401; kept in sessionStorage, so it dies with the tab. */
function CredentialDialog({ onSaved }: { onSaved: () => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="credential"
      role="dialog"
      aria-labelledby="credential-title"
      onSubmit={(e) => {
        e.preventDefault();
        credential.set(value.trim());
        onSaved();
      }}
    >
      <h2 id="credential-title">This gateway needs a credential</h2>
      <p>
        Give an API key or a browser token (<code>POST /v1/tokens</code>). It is kept only for this tab's session and sent only to this gateway.
      </p>
      <label>
        API key or token
        <input type="password" value={value} onInput={(e) => setValue(e.currentTarget.value)} required autoFocus autoComplete="off" />
      </label>
      <button type="submit">Use it</button>
    </form>
  );
}

function Page({ route }: { route: string[] }) {
  const [section, name] = route;
  if (section === 'groups') return name ? <GroupPage name={name} /> : <GroupsPage />;
  if (section === 'topics' && name) return <TopicPage name={name} />;
  return <TopicsPage />;
}

function App() {
  const route = useRoute();
  const [theme, toggleTheme] = useTheme();
  const [asking, setAsking] = useState(false);
  // Bumped when the credential changes: the page is drawn anew and asks again with it.
  const [session, setSession] = useState(0);
  useEffect(() => whenUnauthorized(() => setAsking(true)), []);
  const section = route[0] ?? 'topics';
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="bar">
        <strong class="brand">Logway</strong>
        <nav aria-label="sections">
          <a href="#/topics" aria-current={section === 'topics' ? 'page' : undefined}>
            Topics
          </a>
          <a href="#/groups" aria-current={section === 'groups' ? 'page' : undefined}>
            Consumer groups
          </a>
          <a href="/docs/">API reference</a>
        </nav>
        <span class="spacer" />
        {credential.get() ? (
          <button
            type="button"
            onClick={() => {
              credential.clear();
              setSession((s) => s + 1);
            }}
          >
            Forget credential
          </button>
        ) : null}
        <button type="button" onClick={toggleTheme} aria-pressed={theme === 'dark'}>
          Dark theme
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {asking ? (
          <CredentialDialog
            onSaved={() => {
              setAsking(false);
              setSession((s) => s + 1);
            }}
          />
        ) : (
          <Page key={`${route.join('/')}#${session}`} route={route} />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
