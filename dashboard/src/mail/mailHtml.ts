// Received HTML is hostile: it is parsed into an inert document (DOMParser runs no script and
// loads nothing), cleaned there, and shown only in a sandboxed frame (MailFrame) whose document
// carries the policy below. Nothing here edits HTML as text.

/** The one Trusted Types policy the dashboard's CSP allows (app/routes/dashboard.ts). */
const POLICY_NAME = 'sendook-mail';

interface HtmlPolicy {
  createHTML(input: string): unknown;
}

let policy: HtmlPolicy | null = null;

/**
 * Mail markup goes to exactly two sinks, DOMParser and the sandboxed frame's srcdoc, both through
 * this policy; the CSP refuses every other use of markup, and a second policy by any name.
 */
function mailPolicy(): HtmlPolicy {
  if (policy) return policy;
  const tt = (globalThis as { trustedTypes?: { createPolicy(name: string, rules: { createHTML(s: string): string }): HtmlPolicy } }).trustedTypes;
  policy = tt ? tt.createPolicy(POLICY_NAME, { createHTML: (s) => s }) : { createHTML: (s) => s };
  return policy;
}

/** Everything a message may not do, images aside: no script, frame, form, font, media or fetch. */
function framePolicy(showImages: boolean): string {
  return [
    "default-src 'none'",
    "script-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    "connect-src 'none'",
    "font-src 'none'",
    "media-src 'none'",
    // The sender's layout is inline CSS; @import and url() of remote files stay refused by the above.
    "style-src 'unsafe-inline'",
    // Remote images (tracking pixels among them) only once the reader asks for them.
    showImages ? 'img-src data: http: https:' : 'img-src data:',
  ].join('; ');
}

const FRAME_STYLE =
  'body{margin:0;padding:12px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;' +
  'font-size:15px;line-height:1.5;color:#1d2330;overflow-wrap:anywhere}img{max-width:100%;height:auto}';

/** Elements that run code, load other documents or change the frame's own behaviour. */
const REMOVED = 'script, iframe, frame, frameset, object, embed, applet, portal, base, link, meta';
/** Attributes that take a URL, checked for javascript: and other schemes that run code. */
const URL_ATTRIBUTES = ['href', 'src', 'xlink:href', 'background', 'poster', 'cite', 'longdesc'];
const SOURCE_ATTRIBUTES = ['src', 'background', 'poster'];
/**
 * Never kept: frames' documents, form targets, link pings (a request on every click) and srcset
 * (candidate lists are not worth checking one by one; src carries the image).
 */
const DROPPED_ATTRIBUTES = ['srcdoc', 'action', 'formaction', 'ping', 'srcset'];
const SAFE_LINK = /^(https?:|mailto:|#)/i;
const REMOTE = /^\s*(https?:)?\/\//i;

export interface PreparedMail {
  /** The frame's document, typed for the srcdoc sink (a TrustedHTML where the browser has them). */
  srcdoc: unknown;
  /** Remote images held back (0 once shown). */
  blockedImages: number;
}

/** The message's HTML as a document safe to show in MailFrame. */
export function prepareMailHtml(html: string, showImages: boolean): PreparedMail {
  const trusted = mailPolicy();
  const doc = new DOMParser().parseFromString(trusted.createHTML(html) as string, 'text/html');
  for (const el of Array.from(doc.querySelectorAll(REMOVED))) el.remove();
  let blockedImages = 0;
  for (const el of Array.from(doc.body.querySelectorAll('*')).concat(doc.body)) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || DROPPED_ATTRIBUTES.includes(name)) el.removeAttribute(attr.name);
      else if (URL_ATTRIBUTES.includes(name) && !safeUrl(el, name, attr.value)) el.removeAttribute(attr.name);
    }
    if (!showImages && holdBackImage(el)) blockedImages += 1;
    // Links open a new tab, never inside the frame, telling the target nothing about the reader.
    if ((el.localName === 'a' || el.localName === 'area') && el.hasAttribute('href')) {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
  }
  const head = doc.head;
  const style = doc.createElement('style');
  style.textContent = FRAME_STYLE;
  head.prepend(style);
  head.prepend(meta(doc, 'referrer', 'no-referrer', 'name'));
  // No DNS lookups of the message's link hosts in advance: a lookup tells the sender's DNS server.
  head.prepend(meta(doc, 'x-dns-prefetch-control', 'off', 'http-equiv'));
  // First in <head>: the policy is in force before anything after it is read.
  head.prepend(meta(doc, 'Content-Security-Policy', framePolicy(showImages), 'http-equiv'));
  const serialized = `<!doctype html>${doc.documentElement.outerHTML}`;
  return { srcdoc: trusted.createHTML(serialized), blockedImages };
}

function meta(doc: Document, name: string, content: string, kind: 'name' | 'http-equiv'): HTMLMetaElement {
  const el = doc.createElement('meta');
  el.setAttribute(kind, name);
  el.setAttribute('content', content);
  return el;
}

/**
 * Links may go to the web, to mail or within the message. Sources must be absolute web URLs
 * (held back until "Show images"), images inline as data:, or cid: parts: a relative one
 * would resolve against the dashboard's own address.
 */
function safeUrl(el: Element, name: string, value: string): boolean {
  const trimmed = value.replace(/[\u0000-\u0020]/g, '');
  if (name === 'href' && (el.localName === 'a' || el.localName === 'area')) return SAFE_LINK.test(trimmed);
  if (SOURCE_ATTRIBUTES.includes(name)) return /^(https?:\/\/|cid:)/i.test(trimmed) || (el.localName === 'img' && name === 'src' && /^data:image\//i.test(trimmed));
  return !/^(javascript|vbscript|data):/i.test(trimmed);
}

/** A remote image source moved aside until "Show images"; true when there was one. */
function holdBackImage(el: Element): boolean {
  let held = false;
  for (const name of SOURCE_ATTRIBUTES) {
    const value = el.getAttribute(name);
    if (value && REMOTE.test(value)) {
      el.removeAttribute(name);
      el.setAttribute(`data-held-${name}`, value);
      held = true;
    }
  }
  return held;
}
