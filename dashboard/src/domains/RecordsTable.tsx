import { CopyButton } from '../components/CopyButton';
import type { DnsRecord } from './domainsApi';

const STATUS_BADGE: Record<DnsRecord['status'], string> = { verified: 'badge-on', failed: 'badge-bad', pending: 'badge-off' };

/** The DNS records a domain must publish, each value with its own copy button. */
export function RecordsTable({ records }: { records: DnsRecord[] }) {
  return (
    <div class="table-wrap">
      <table class="table records-table stack">
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={`${r.type} ${r.name}`} data-record={`${r.type} ${r.name}`}>
              <td data-label="Type">{r.type}</td>
              <td data-label="Name" class="mono wrap">
                {r.name} <CopyButton value={r.name} what={`${r.type} ${r.name} name`} />
              </td>
              <td data-label="Value" class="mono wrap record-value">
                <span>{r.value}</span> <CopyButton value={r.value} what={`${r.type} ${r.name} value`} />
              </td>
              <td data-label="Status">
                <span class={`badge ${STATUS_BADGE[r.status] ?? 'badge-off'}`}>{r.status}</span>
                {!r.required && <span class="muted"> (recommended)</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
