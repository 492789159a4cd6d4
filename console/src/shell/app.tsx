// The console's frame: sign-in gate, navigation landmarks, and one page per feature.
import { useState } from 'react';
import { Link, Redirect, Route, Switch } from 'wouter';
import { session } from '../api/client.js';
import { ApisPage } from '../apis/apis-page.js';
import { ApprovalsPage } from '../approvals/approvals-page.js';
import { SignIn } from '../auth/sign-in.js';
import { LogsPage } from '../logs/logs-page.js';

const pages = [
  { path: '/apis', label: 'APIs', page: ApisPage },
  { path: '/approvals', label: 'Approvals', page: ApprovalsPage },
  { path: '/logs', label: 'Call log', page: LogsPage },
] as const;

export function App() {
  const [signedIn, setSignedIn] = useState(() => session.token() !== null);
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  return (
    <>
      <header className="bar">
        <span className="brand">gateway-kit</span>
        <nav aria-label="Main">
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <Link href={p.path}>{p.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          onClick={() => {
            session.signOut();
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        <Switch>
          {pages.map((p) => (
            <Route key={p.path} path={p.path} component={p.page} />
          ))}
          <Route>
            <Redirect to="/apis" />
          </Route>
        </Switch>
      </main>
    </>
  );
}
