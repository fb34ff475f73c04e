import { useState, type FormEvent } from 'react';

/** The sign-in form: an API key (operator, tenant admin or user, regulator), kept for this tab only. */
export function SignIn({ onKey, error }: { onKey: (key: string) => void; error?: string | undefined }) {
  const [key, setKey] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (key.trim()) onKey(key.trim());
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-label="Sign in">
        <h1>satiot</h1>
        <p>Satellite IoT operations. Sign in with an API key.</p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          autoFocus
        />
        <button type="submit">Sign in</button>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <p className="muted">The key stays in this tab (session storage) and goes only to this server.</p>
      </form>
    </main>
  );
}
