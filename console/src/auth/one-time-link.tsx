// The page an invitation or a password-reset mail links to (`/console/#invite=…`, `#reset=…`; the token rides
// in the fragment, which no server sees): choose a password; an accepted invitation signs the person in. A
// one-time sign-in link (`#login=…`, the one `npm start` prints) is exchanged for a session at once.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { admin, ProblemError, session } from '../api/client.js';
import { Actions, Field } from '../shell/ui.js';

export type LinkKind = 'invite' | 'reset' | 'login';

/** The link's token, taken out of the address bar at once. */
export function linkFromAddress(): { kind: LinkKind; token: string } | null {
  const m = /^#(invite|reset|login)=([\w-]{20,200})$/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return { kind: m[1] as LinkKind, token: m[2]! };
}

/** Exchanges a one-time sign-in link for a session cookie; a used or expired one says so and offers sign-in. */
function SignInLink({ token, onDone }: { token: string; onDone: (signedIn: boolean) => void }) {
  const [error, setError] = useState<string | null>(null);
  const sent = useRef(false);
  useEffect(() => {
    // Once: the link is good for one exchange.
    if (sent.current) return;
    sent.current = true;
    void admin.POST('/admin/v1/session/link', { body: { token } }).then(({ data, error: problem }) => {
      if (!data) return setError(new ProblemError((problem ?? {}) as object).message);
      session.withCookie(data.csrfToken);
      onDone(true);
    });
  }, [token, onDone]);
  return (
    <main className="sign-in">
      <h1>{error ? 'This sign-in link cannot be used' : 'Signing you in…'}</h1>
      {error && (
        <>
          <p role="alert" className="error">
            {error}
          </p>
          <Actions>
            <button type="button" onClick={() => onDone(false)}>
              Sign in another way
            </button>
          </Actions>
        </>
      )}
    </main>
  );
}

export function OneTimeLink({
  kind,
  token,
  onDone,
}: {
  kind: LinkKind;
  token: string;
  /** Signed in (an invitation, a sign-in link) or back to the sign-in page (a reset, a used link). */
  onDone: (signedIn: boolean) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  if (kind === 'login') return <SignInLink token={token} onDone={onDone} />;
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const password = String(f.get('password'));
    if (kind === 'invite') {
      const name = String(f.get('displayName') ?? '').trim();
      const { data, error: problem } = await admin.POST('/admin/v1/invitations/accept', {
        body: { token, password, ...(name ? { displayName: name } : {}) },
      });
      if (!data) return setError(new ProblemError((problem ?? {}) as object).message);
      session.withCookie(data.csrfToken);
      return onDone(true);
    }
    const { response, error: problem } = await admin.POST('/admin/v1/password-reset/confirm', {
      body: { token, password },
    });
    if (!response.ok) return setError(new ProblemError((problem ?? {}) as object).message);
    onDone(false);
  }
  return (
    <main className="sign-in">
      <h1>{kind === 'invite' ? 'Accept your invitation' : 'Choose a new password'}</h1>
      <form onSubmit={submit} aria-label={kind === 'invite' ? 'Accept the invitation' : 'Reset the password'}>
        {kind === 'invite' && (
          <Field label="Your name">
            <input name="displayName" maxLength={100} autoComplete="name" />
          </Field>
        )}
        <Field label="New password" hint="at least 12 characters">
          <input name="password" type="password" autoComplete="new-password" required minLength={12} />
        </Field>
        <Actions>
          <button type="submit">{kind === 'invite' ? 'Accept and sign in' : 'Set the password'}</button>
        </Actions>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
