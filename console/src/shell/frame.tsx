// The frame both front ends share: sign-in gate (a #token= link, as console/scripts/first-render.ts opens, signs
// in and is removed from the address bar at once), navigation landmark, and one route per page.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ComponentType, useState } from 'react';
import { Link, Redirect, Route, Switch } from 'wouter';
import { admin, session } from '../api/client.js';
import { linkFromAddress, OneTimeLink } from '../auth/one-time-link.js';
import { SignIn, type SignInText } from '../auth/sign-in.js';

export interface Page {
  path: string;
  label: string;
  page: ComponentType;
}

function tokenFromLink(): boolean {
  const m = /^#token=([\w.-]{16,})$/.exec(location.hash);
  if (!m) return false;
  session.signIn(m[1]!);
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}

export function Frame({
  brand,
  pages,
  routes = [],
  signIn,
}: {
  brand: string;
  pages: Page[];
  /** Routes outside the navigation (a page per object). */
  routes?: { path: string; page: ComponentType }[];
  signIn: SignInText;
}) {
  const cache = useQueryClient();
  const [signedIn, setSignedIn] = useState(() => tokenFromLink() || session.signedIn());
  const [link, setLink] = useState(linkFromAddress);
  // Back from single sign-on (or a new tab): a session cookie may exist already; its CSRF token is read here.
  const existing = useQuery({
    queryKey: ['session'],
    enabled: !signedIn && !link,
    queryFn: async () => {
      const { data } = await admin.GET('/admin/v1/session');
      if (data) {
        session.withCookie(data.csrfToken);
        setSignedIn(true);
      }
      return data ?? null;
    },
  });
  if (link)
    return (
      <OneTimeLink
        {...link}
        onDone={(now) => {
          setLink(null);
          setSignedIn(now);
        }}
      />
    );
  if (!signedIn && existing.isPending) return null;
  if (!signedIn) return <SignIn {...signIn} onSignedIn={() => setSignedIn(true)} />;
  return (
    <>
      <header className="bar">
        <span className="brand">{brand}</span>
        <nav aria-label="Main">
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <Link href={p.path} className={(active: boolean) => (active ? 'active' : '')}>
                  {p.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          onClick={async () => {
            if (session.csrf()) await admin.DELETE('/admin/v1/session');
            session.signOut();
            cache.clear();
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        <Switch>
          {pages.map((p) => (
            <Route key={p.path} path={p.path} component={p.page} nest={false} />
          ))}
          {routes.map((r) => (
            <Route key={r.path} path={r.path} component={r.page} />
          ))}
          <Route>
            <Redirect to={pages[0]!.path} />
          </Route>
        </Switch>
      </main>
    </>
  );
}
