import type { TargetedSubmitEvent } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNotice, InfoNotice } from '../components/ErrorNotice';
import { navigate, paths } from '../router';
import { AuthFrame } from './AuthFrame';

interface Props {
  notice: string | null;
  onLoggedIn: (token: string) => Promise<void>;
}

export function LoginPage({ notice, onLoggedIn }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: TargetedSubmitEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { token } = await api.login(email.trim(), password);
      await onLoggedIn(token);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <AuthFrame title="Log in">
      {notice && !error && <InfoNotice>{notice}</InfoNotice>}
      <ErrorNotice error={error} />
      <form class="form" onSubmit={submit}>
        <label class="field">
          <span class="field-label">Email</span>
          <input class="input" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="field-label">Password</span>
          <input
            class="input"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p class="auth-switch">
        No account yet?{' '}
        <a href={paths.register()} onClick={(e) => (e.preventDefault(), navigate(paths.register()))}>
          Create one
        </a>
      </p>
    </AuthFrame>
  );
}
