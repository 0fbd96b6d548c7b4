import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * POSTs a body and resolves with the response status as soon as it arrives; rejects on any
 * network error or when `timeoutMs` passes first. No redirects are followed (a redirect could
 * lead around the target checks) and no connection is kept alive.
 */
export function postBody(url: URL, body: string, headers: Record<string, string>, options: { timeoutMs: number; lookup: LookupFunction }): Promise<number> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: options.lookup,
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error(`no response within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      // The answer's body is not kept; read it so the socket can close cleanly.
      res.resume();
      res.on('error', () => undefined);
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
