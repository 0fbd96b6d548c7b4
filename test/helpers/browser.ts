import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');

/**
 * Debian's Chromium, headless. A missing browser is a failure, not a skip: CI (.ci/run) installs
 * it, so its absence means the machine is not set up, and a silent skip would hide that.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The dashboard tests drive a real browser: install Debian's ` +
        `chromium package (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    chromiumSandbox: false,
    // This machine's network is closed: no background fetches of Google's services.
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** `vite build` of dashboard/ into dist/dashboard, where the app serves it from (~1 s). */
export async function buildDashboard(): Promise<void> {
  // npm test builds it once before ava starts (scripts/test.ts): two test files building at once
  // each empty dist/dashboard, and a page the other one loads meanwhile gets no script, so no form.
  if (process.env.SENDOOK_TEST_DASHBOARD_BUILT === '1') return;
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await promisify(execFile)(process.execPath, [vite, 'build', '--config', 'dashboard/vite.config.mts', '--logLevel', 'warn'], {
    cwd: ROOT,
  });
}

/** Saves a full-page screenshot as test/artifacts/<folder>/<name>.png. */
export async function screenshot(page: Page, folder: string, name: string): Promise<void> {
  const dir = path.join(ARTIFACTS, folder);
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
