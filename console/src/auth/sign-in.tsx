// Signing in: email and password (a session cookie), a single sign-on provider, or a bearer token (platform,
// tenant or personal access token). Each is checked before the console believes it.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { admin, ProblemError, session } from '../api/client.js';
import { Actions, Field } from '../shell/ui.js';

export interface SignInText {
  title: string;
  label: string;
}

export function SignIn({ title, label, onSignedIn }: SignInText & { onSignedIn: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const providers = useQuery({
    queryKey: ['sso'],
    queryFn: async () => (await admin.GET('/admin/v1/sso/providers')).data?.items ?? [],
  });
  async function withPassword(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const {
      data,
      error: problem,
      response,
    } = await admin.POST('/admin/v1/session', {
      body: { email: String(f.get('email')), password: String(f.get('password')) },
    });
    if (data) {
      session.withCookie(data.csrfToken);
      onSignedIn();
    } else
      setError(
        response.status === 401
          ? 'That email and password do not match.'
          : new ProblemError((problem ?? {}) as object).message,
      );
  }
  async function withToken(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    session.signIn(String(new FormData(e.currentTarget).get('token') ?? ''));
    const { response } = await admin.GET('/admin/v1/apps');
    if (response.ok) onSignedIn();
    else {
      session.signOut();
      setError(
        response.status === 401 ? 'That token is not valid.' : `The gateway answered ${response.status}.`,
      );
    }
  }
  return (
    <main className="sign-in">
      <h1>{title}</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <form onSubmit={withPassword} aria-label="Sign in with email">
        <Field label="Email">
          <input name="email" type="email" autoComplete="username" required />
        </Field>
        <Field label="Password">
          <input name="password" type="password" autoComplete="current-password" required />
        </Field>
        <Actions>
          <button type="submit">Sign in</button>
        </Actions>
      </form>
      {providers.data && providers.data.length > 0 && (
        <nav aria-label="Single sign-on" className="actions">
          {providers.data.map((p) => (
            <a
              key={p.id}
              className="button"
              href={`${p.signInUrl}?returnTo=${encodeURIComponent(location.pathname)}`}
            >
              Sign in with {p.name}
            </a>
          ))}
        </nav>
      )}
      <details>
        <summary>Sign in with a token instead</summary>
        <form onSubmit={withToken} aria-label="Sign in with a token">
          <Field label={label}>
            <input name="token" type="password" autoComplete="off" required minLength={16} />
          </Field>
          <Actions>
            <button type="submit">Sign in with the token</button>
          </Actions>
        </form>
      </details>
    </main>
  );
}
