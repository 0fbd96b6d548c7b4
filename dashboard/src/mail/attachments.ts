import { call } from '../api';
import { formatBytes } from '../format';
import type { OutgoingAttachment } from './mailApi';

/** What the server accepts (GET /dashboard/limits.json, from its configuration). */
export interface Limits {
  attachmentsMaxBytes: number;
  requestBodyMaxBytes: number;
}

export const fetchLimits = () => call<Limits>('GET', '/dashboard/limits.json', null);

/** The API's own limit on the number of attachments (routes/messages/schemas.ts). */
export const MAX_ATTACHMENTS = 20;

/** Base64 grows 3 bytes to 4. */
export const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;

/** Why these files cannot go in one message, in plain words, or null when they can. */
export function attachmentProblem(files: File[], limits: Limits | null): string | null {
  if (files.length > MAX_ATTACHMENTS) return `A message may carry at most ${MAX_ATTACHMENTS} attachments; these are ${files.length}.`;
  if (!limits) return null;
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > limits.attachmentsMaxBytes) {
    return `The attachments come to ${formatBytes(total)}; this server accepts at most ${formatBytes(limits.attachmentsMaxBytes)} in all.`;
  }
  const encoded = files.reduce((sum, f) => sum + base64Length(f.size), 0);
  if (encoded > limits.requestBodyMaxBytes) {
    return (
      `The attachments come to ${formatBytes(total)}, ${formatBytes(encoded)} once encoded for sending; the server reads at most ` +
      `${formatBytes(limits.requestBodyMaxBytes)} per request from the dashboard.`
    );
  }
  return null;
}

/** A request body over the server's limit, said before it is sent (the server would answer 413). */
export function bodyProblem(body: unknown, limits: Limits | null): string | null {
  if (!limits) return null;
  const size = new TextEncoder().encode(JSON.stringify(body)).length;
  return size > limits.requestBodyMaxBytes
    ? `This message is ${formatBytes(size)} as a request; the server reads at most ${formatBytes(limits.requestBodyMaxBytes)} per request from the dashboard.`
    : null;
}

export async function toAttachment(file: File): Promise<OutgoingAttachment> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { content: btoa(binary), name: file.name, ...(file.type ? { contentType: file.type } : {}) };
}
