import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/** How much of an answer's body is read: enough to end a short answer cleanly, no more. */
const MAX_RESPONSE_BYTES = 4096;

/**
 * POSTs a body and resolves with the response status once the answer is complete: its body ended,
 * or MAX_RESPONSE_BYTES of it arrived (the rest is not wanted). One deadline, `timeoutMs`, covers
 * the whole attempt (connect, headers and body): a target that sends headers and then never ends
 * its body is a timeout too. Whatever the outcome, the socket is destroyed before this settles, so
 * no target can hold a connection open. No redirects are followed (a redirect could lead around
 * the target checks) and no connection is kept alive.
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
    let settled = false;
    const finish = (err: Error | null, status = 0) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      if (err) reject(err);
      else resolve(status);
    };
    const timer = setTimeout(
      () => finish(Object.assign(new Error(`timed out: no complete response within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      options.timeoutMs,
    );
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= MAX_RESPONSE_BYTES) finish(null, status);
      });
      res.on('end', () => finish(null, status));
      res.on('error', (err) => finish(err));
      res.on('close', () => finish(new Error('the target closed the connection before its answer ended')));
    });
    // Stays attached after settling: destroying a request can still emit an error, and an
    // unhandled one would end the process.
    req.on('error', (err) => finish(err));
    req.end(body);
  });
}
