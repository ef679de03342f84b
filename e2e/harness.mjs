// Starts a real `ingot serve` on a fresh database (SQLite, or a new PostgreSQL database when
// INGOT_TEST_DATABASE_URL is set) and a headless Chromium, for the browser journeys.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const screenshots = join(root, 'e2e', 'screenshots');
mkdirSync(screenshots, { recursive: true });

function binary() {
  if (process.env.INGOT_BIN) return process.env.INGOT_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(root, 'target');
  return join(target, 'debug', 'ingot');
}

/** The databases to run each journey on. */
export function backends() {
  const list = ['sqlite'];
  if (process.env.INGOT_TEST_DATABASE_URL) list.push('postgres');
  else if (process.env.CI) throw new Error('CI is set but INGOT_TEST_DATABASE_URL is not: the browser journeys must run on PostgreSQL too');
  return list;
}

function withDatabase(url, name) {
  const [base, query] = url.split('?');
  const scheme = base.indexOf('://') + 3;
  const slash = base.indexOf('/', scheme);
  const prefix = slash === -1 ? base : base.slice(0, slash);
  return `${prefix}/${name}${query ? '?' + query : ''}`;
}

function psql(url, sql) {
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { stdio: 'pipe' });
}

/** A fresh database; returns its URL and a cleanup function. */
function freshDatabase(backend) {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ingot-e2e-'));
    return { url: `sqlite://${join(dir, 'ingot.db')}`, drop: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = process.env.INGOT_TEST_DATABASE_URL;
  const name = `ingot_e2e_${process.pid}_${Date.now()}`;
  psql(admin, `CREATE DATABASE ${name}`);
  return { url: withDatabase(admin, name), drop: () => psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Runs `ingot serve --demo` on a fresh database; resolves once it prints its URL. */
export async function startIngot(backend, env = {}) {
  const db = freshDatabase(backend);
  const files = mkdtempSync(join(tmpdir(), 'ingot-e2e-files-'));
  const child = spawn(binary(), ['serve', '--demo', '--listen', '127.0.0.1:0'], {
    env: { ...process.env, DATABASE_URL: db.url, INGOT_FILES_DIR: files, INGOT_LOG: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const started = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ingot did not start:\n${output}`)), 60000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const url = output.match(/running at (http:\/\/[0-9.:]+)\//);
      const password = output.match(/username admin\s+password (\S+)/);
      if (url && password) {
        clearTimeout(timer);
        resolve({ base: url[1], password: password[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`ingot exited with ${code}:\n${output}`)));
  });
  return {
    ...started,
    backend,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      db.drop();
      rmSync(files, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A page that fails the test on any script error or failed same-origin request. */
export async function newPage(browser, { width, height = 900, locale = 'zh-CN', bypassCSP = false }) {
  const context = await browser.newContext({ viewport: { width, height }, locale, bypassCSP });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Error statuses of pages (a form shown again with 422) are expected; anything else the
  // console reports as an error (a script error, a blocked resource) is a problem.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // A subresource cut off because the page moved on (a quick click) is not a fault.
    const why = r.failure()?.errorText || '';
    if (why.includes('ERR_ABORTED') && r.resourceType() !== 'document') return;
    problems.push(`request failed: ${r.url()} ${why}`);
  });
  return { page, context, problems };
}

export async function signIn(page, base, username, password) {
  await page.goto(`${base}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await Promise.all([page.waitForURL(`${base}/`), page.getByTestId('login-submit').click()]);
}

/** The page is no wider than the screen: nothing to scroll sideways on a phone. */
export async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

const axeSource = join(root, 'node_modules', 'axe-core', 'axe.min.js');

/** What axe-core finds against WCAG 2.1 A and AA on the page as it stands: one line a problem,
 *  naming the rule and the elements, so that a failure says what to fix. The page's context
 *  must be made with `bypassCSP` (our policy rightly refuses the injected script). */
export async function accessibilityProblems(page) {
  await page.addScriptTag({ path: axeSource });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
  return found;
}
