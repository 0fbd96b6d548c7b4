import { connect, type Socket } from 'node:net';

/** One SMTP reply: its code and its lines' text (multi-line replies joined by newlines). */
export interface SmtpReply {
  code: number;
  text: string;
}

/**
 * A raw SMTP conversation over a socket, for protocol edges a real client would not produce
 * (pipelining everything at once, hanging up mid-DATA). Every wait is bounded.
 */
export class RawSmtp {
  private buffer = '';
  private readonly replies: SmtpReply[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.parse();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /** Connects and reads the greeting. */
  static async open(port: number): Promise<{ smtp: RawSmtp; greeting: SmtpReply }> {
    const socket = connect(port, '127.0.0.1');
    const smtp = new RawSmtp(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return { smtp, greeting: await smtp.reply() };
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Sends one command line and reads its reply. */
  async command(line: string, timeoutMs?: number): Promise<SmtpReply> {
    this.write(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  /** The next reply, in order. */
  async reply(timeoutMs = 10_000): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no SMTP reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.replies.shift()!;
  }

  /** Resolves once the server has closed the connection (or after `timeoutMs`, false). */
  async waitClosed(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private parse(): void {
    for (;;) {
      // A reply ends with a line "NNN text" (a space after the code, not a dash).
      const match = /^((?:\d{3}-[^\r\n]*\r\n)*)(\d{3})(?: ([^\r\n]*))?\r\n/.exec(this.buffer);
      if (!match) return;
      const lines = [...match[1]!.split('\r\n').filter(Boolean).map((l) => l.slice(4)), match[3] ?? ''];
      this.replies.push({ code: Number(match[2]), text: lines.join('\n') });
      this.buffer = this.buffer.slice(match[0].length);
      this.wake();
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
