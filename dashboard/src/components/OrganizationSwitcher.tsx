import type { TargetedSubmitEvent } from 'preact';
import { useState } from 'preact/hooks';
import { api, isSessionLost, type Organization } from '../api';
import { navigate, paths } from '../router';
import { ErrorNotice } from './ErrorNotice';

interface Props {
  token: string;
  organizations: Organization[];
  currentOrgId: string | null;
  onCreated: (org: Organization) => void;
  onSessionLost: (err: unknown) => void;
}

/** Pick the organization whose settings are shown, or create a new one. */
export function OrganizationSwitcher({ token, organizations, currentOrgId, onCreated, onSessionLost }: Props) {
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function create(e: TargetedSubmitEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const org = await api.createOrganization(token, name.trim());
      setCreating(false);
      setName('');
      onCreated(org);
    } catch (err) {
      if (isSessionLost(err)) return onSessionLost(err);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="org-switcher">
      <label class="org-label" for="org-select">
        Organization
      </label>
      <select
        id="org-select"
        class="select"
        value={currentOrgId ?? ''}
        onChange={(e) => navigate(paths.apiKeys(e.currentTarget.value))}
      >
        {organizations.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </select>
      <button type="button" class="button button-small" aria-expanded={creating} onClick={() => setCreating(!creating)}>
        New organization
      </button>
      {creating && (
        <form class="popover card" onSubmit={create} aria-label="New organization">
          <label class="field">
            <span class="field-label">Organization name</span>
            <input class="input" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} autoFocus />
          </label>
          <ErrorNotice error={error} />
          <div class="form-actions">
            <button type="button" class="button" onClick={() => setCreating(false)}>
              Cancel
            </button>
            <button type="submit" class="button button-primary" disabled={busy}>
              {busy ? 'Creating…' : 'Create organization'}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
