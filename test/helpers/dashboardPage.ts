import type { Browser, BrowserContext, Page } from 'playwright-core';
import { screenshot } from './browser';

/** A page of the dashboard with what went wrong on it: uncaught errors and CSP refusals. */
export interface DashboardPage {
  context: BrowserContext;
  page: Page;
  /** Page errors, and console errors or CSP reports from the dashboard's own origin. */
  problems: string[];
}

/**
 * A fresh browser profile on the app's dashboard at `path`. Console messages from a mail frame
 * (about:srcdoc) are the message's business and are not counted; the dashboard's are.
 */
export async function openDashboard(browser: Browser, baseURL: string, path = '/dashboard/login'): Promise<DashboardPage> {
  const context = await browser.newContext({
    baseURL,
    locale: 'en-US',
    timezoneId: 'UTC',
    viewport: { width: 1280, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    const from = msg.location().url;
    const ours = from === '' || from.startsWith(baseURL);
    // The browser's own line for an API answer of 4xx/5xx: the tests provoke those on purpose.
    const refusedRequest = /^Failed to load resource: the server responded with a status of \d+/.test(msg.text());
    if (ours && !refusedRequest && (msg.type() === 'error' || /Content Security Policy|Trusted Type/i.test(msg.text()))) problems.push(`console ${msg.type()} at ${from}: ${msg.text()}`);
  });
  await page.goto(path);
  return { context, page, problems };
}

export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'API Keys' }).waitFor();
}

/** How far the page is wider than its window (0: no sideways scrolling). */
export const overflowX = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

/** The elements that reach past the window's right edge outside any scrolling box, to say what overflows. */
const WIDEST = `(() => {
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll('body *'))
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(el))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').join('.') : '') + ' ' + Math.round(el.getBoundingClientRect().right));
})()`;

/**
 * Screenshots of the page as it is, at 1280 px and at 390 px wide (a phone), under
 * test/artifacts/<folder>/; returns the sideways overflow at each width (both should be 0).
 */
export async function shootBothWidths(page: Page, folder: string, name: string): Promise<{ wide: number; narrow: number; widest?: string[] }> {
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  await page.setViewportSize({ width: 1280, height: 900 });
  const wide = await overflowX(page);
  await screenshot(page, folder, `${name}-1280`);
  await page.setViewportSize({ width: 390, height: 844 });
  const narrow = await overflowX(page);
  await screenshot(page, folder, `${name}-390`);
  const widest = narrow > 0 ? await page.evaluate<string[]>(WIDEST) : undefined;
  await page.setViewportSize(size);
  return { wide, narrow, ...(widest ? { widest } : {}) };
}
