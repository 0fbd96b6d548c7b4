import { useState } from 'preact/hooks';
import type { ApiKey } from '../api';
import { ConfirmDialog } from './ConfirmDialog';

// The grace choices: how long the old secret keeps working while it is replaced everywhere.
const GRACES = [
  { seconds: 0, label: 'Stop it now' },
  { seconds: 3_600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 604_800, label: '7 days' },
] as const;

interface Props {
  apiKey: ApiKey;
  busy: boolean;
  onConfirm: (graceSeconds: number) => void;
  onCancel: () => void;
}

/** Roll (rotate) a key: a new secret, shown once, and a chosen grace for the old one. */
export function RollKeyDialog({ apiKey, busy, onConfirm, onCancel }: Props) {
  const [grace, setGrace] = useState(86_400);
  return (
    <ConfirmDialog title={`Roll the key “${apiKey.name}”?`} confirmLabel="Roll key" busyLabel="Rolling…" busy={busy} onConfirm={() => onConfirm(grace)} onCancel={onCancel}>
      <p>
        A new key with the same name, access and expiry is made and shown once. <code>{apiKey.start}…</code> keeps working
        for the grace period you choose, then it is refused.
      </p>
      <label class="field">
        <span class="field-label">Old key keeps working for</span>
        <select class="select grace-select" value={String(grace)} onChange={(e) => setGrace(Number(e.currentTarget.value))}>
          {GRACES.map((g) => (
            <option key={g.seconds} value={String(g.seconds)}>
              {g.label}
            </option>
          ))}
        </select>
      </label>
    </ConfirmDialog>
  );
}
