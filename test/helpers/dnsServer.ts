import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

const TYPE_TXT = 16;
const TYPE_MX = 15;

/**
 * A real DNS server (UDP, on 127.0.0.1) that answers TXT and MX queries from a table the test
 * fills: SPF, DKIM keys, DMARC policies, domain verification tokens and mail exchangers, so mail
 * authentication and domain checks run with no network. Names it does not know are NXDOMAIN;
 * other record types of known names have no data.
 */
export class DnsServer {
  private readonly records = new Map<string, string[]>();
  private readonly exchanges = new Map<string, string[]>();
  /** Names asked for, lowercased, to see what a check looked up. */
  readonly asked: string[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly address: string,
  ) {}

  static async start(): Promise<DnsServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const { port } = socket.address() as AddressInfo;
    const server = new DnsServer(socket, `127.0.0.1:${port}`);
    socket.on('message', (query, peer) => {
      const answer = server.answer(query);
      if (answer) socket.send(answer, peer.port, peer.address);
    });
    return server;
  }

  /** Adds TXT record(s) for `name`. */
  txt(name: string, ...values: string[]): void {
    const key = name.toLowerCase();
    this.records.set(key, [...(this.records.get(key) ?? []), ...values]);
  }

  /** Adds MX record(s) for `name`, each pointing at a host name. */
  mx(name: string, ...hosts: string[]): void {
    const key = name.toLowerCase();
    this.exchanges.set(key, [...(this.exchanges.get(key) ?? []), ...hosts]);
  }

  /** Forgets every TXT and MX record of `name` (it becomes NXDOMAIN). */
  remove(name: string): void {
    this.records.delete(name.toLowerCase());
    this.exchanges.delete(name.toLowerCase());
  }

  /** Forgets the MX records of `name`. */
  removeMx(name: string): void {
    this.exchanges.delete(name.toLowerCase());
  }

  /** Forgets the TXT records of `name` for which `match` holds. */
  removeTxt(name: string, match: (value: string) => boolean): void {
    const key = name.toLowerCase();
    const kept = (this.records.get(key) ?? []).filter((value) => !match(value));
    if (kept.length > 0) this.records.set(key, kept);
    else this.records.delete(key);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private answer(query: Buffer): Buffer | null {
    if (query.length < 12) return null;
    let offset = 12;
    const labels: string[] = [];
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset]!;
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('latin1'));
      offset += 1 + length;
    }
    const questionEnd = offset + 5; // zero label, QTYPE, QCLASS
    if (questionEnd > query.length) return null;
    const qtype = query.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    this.asked.push(name);
    const txt = this.records.get(name);
    const mx = this.exchanges.get(name);
    const known = txt !== undefined || mx !== undefined;
    const answers = qtype === TYPE_TXT ? (txt ?? []).map(txtRecord) : qtype === TYPE_MX ? (mx ?? []).map((host, i) => mxRecord(10 * (i + 1), host)) : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    // QR, opcode 0, RD copied, RA; RCODE 3 (NXDOMAIN) for unknown names.
    header.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (known ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
  }
}

/** One TXT answer for the question's name (a pointer to offset 12), in 255-byte strings. */
function txtRecord(value: string): Buffer {
  const text = Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < text.length || i === 0; i += 255) {
    const chunk = text.subarray(i, i + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  const rdata = Buffer.concat(parts);
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0);
  fixed.writeUInt16BE(TYPE_TXT, 2);
  fixed.writeUInt16BE(1, 4); // IN
  fixed.writeUInt32BE(60, 6);
  fixed.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([fixed, rdata]);
}

/** One MX answer for the question's name: preference, then the exchange as uncompressed labels. */
function mxRecord(preference: number, host: string): Buffer {
  const labels = host.replace(/\.$/, '').split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')]));
  const rdata = Buffer.concat([Buffer.from([preference >> 8, preference & 0xff]), ...labels, Buffer.from([0])]);
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0);
  fixed.writeUInt16BE(TYPE_MX, 2);
  fixed.writeUInt16BE(1, 4); // IN
  fixed.writeUInt32BE(60, 6);
  fixed.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([fixed, rdata]);
}
