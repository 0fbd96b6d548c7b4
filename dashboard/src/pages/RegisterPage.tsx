import type { TargetedSubmitEvent } from 'preact';
import { useState } from 'preact/hooks';
import { api, type NewApiKey, type Organization } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { navigate, paths } from '../router';
import { AuthFrame } from './AuthFrame';

interface Props {
  onRegistered: (token: string, organization: Organization, apiKey: NewApiKey) => Promise<void>;
}

export function RegisterPage({ onRegistered }: Props) {
  const [form, setForm] = useState({ first_name: '', last_name: '', email: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (field: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [field]: e.currentTarget.value });

  async function submit(e: TargetedSubmitEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api.register({ ...form, email: form.email.trim() });
      await onRegistered(created.token, created.organization, created.apiKey);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <AuthFrame title="Create your account">
      <ErrorNotice error={error} />
      <form class="form" onSubmit={submit}>
        <div class="field-row">
          <label class="field">
            <span class="field-label">First name</span>
            <input class="input" autocomplete="given-name" required value={form.first_name} onInput={set('first_name')} />
          </label>
          <label class="field">
            <span class="field-label">Last name</span>
            <input class="input" autocomplete="family-name" required value={form.last_name} onInput={set('last_name')} />
          </label>
        </div>
        <label class="field">
          <span class="field-label">Email</span>
          <input class="input" type="email" autocomplete="username" required value={form.email} onInput={set('email')} />
        </label>
        <label class="field">
          <span class="field-label">Password</span>
          <input
            class="input"
            type="password"
            autocomplete="new-password"
            required
            minLength={8}
            value={form.password}
            onInput={set('password')}
            aria-describedby="password-hint"
          />
          <span class="hint" id="password-hint">
            At least 8 characters.
          </span>
        </label>
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p class="auth-switch">
        Already have an account?{' '}
        <a href={paths.login()} onClick={(e) => (e.preventDefault(), navigate(paths.login()))}>
          Log in
        </a>
      </p>
    </AuthFrame>
  );
}
