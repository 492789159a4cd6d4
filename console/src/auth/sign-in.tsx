// Sign-in with an admin bearer token (platform, tenant or personal access token); checked before it is kept.
import { type FormEvent, useState } from 'react';
import { admin, session } from '../api/client.js';
import { Actions, Field } from '../shell/ui.js';

export function SignIn({
  title = 'Sign in to gateway-kit',
  label = 'Admin token',
  onSignedIn,
}: {
  title?: string;
  label?: string;
  onSignedIn: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const token = String(new FormData(e.currentTarget).get('token') ?? '');
    session.signIn(token);
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
      <form onSubmit={submit}>
        <Field label={label}>
          <input name="token" type="password" autoComplete="current-password" required minLength={16} />
        </Field>
        <Actions>
          <button type="submit" className="primary">
            Sign in
          </button>
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
