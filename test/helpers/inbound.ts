import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Options as MailOptions } from 'nodemailer/lib/mailer';
import { createInboundSmtpServer } from '../../app/smtp/start';
import type { InboundSmtpServer } from '../../app/smtp/inboundServer';
import type { TestApp } from './testApp';
import { DnsServer } from './dnsServer';

/** Starts the app's receiving SMTP server (as main.ts does) on a free port of 127.0.0.1. */
export async function listenSmtp(app: TestApp): Promise<{ smtp: InboundSmtpServer; port: number }> {
  const smtp = createInboundSmtpServer(app.deps);
  const port = await smtp.listen(0, '127.0.0.1');
  return { smtp, port };
}

/** Sends one mail with nodemailer (a real SMTP client) to the listener on `port`. */
export async function sendMail(port: number, mail: MailOptions, dkim?: { domainName: string; keySelector: string; privateKey: string }) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, name: 'client.example.test', dkim });
  try {
    return await transport.sendMail(mail);
  } finally {
    transport.close();
  }
}

/**
 * A sending domain as the test DNS server describes it: SPF allowing 127.0.0.1, a DKIM key under
 * `selector`, and a DMARC policy. Returns the private key to sign with.
 */
export function authenticatedDomain(dns: DnsServer, domain: string, selector = 'mail') {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  dns.txt(domain, 'v=spf1 ip4:127.0.0.1 -all');
  dns.txt(`${selector}._domainkey.${domain}`, `v=DKIM1; k=rsa; p=${p}`);
  dns.txt(`_dmarc.${domain}`, 'v=DMARC1; p=reject');
  return { domainName: domain, keySelector: selector, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
