// Every kind of page checked by axe-core against WCAG 2.1 A and AA, in Chinese on a phone and in
// English on a desk, signed in as an administrator who sees every form: a form input without a
// label, an image without a name, a colour too faint to read or a heading out of order fails here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startIngot, launchBrowser, newPage, signIn, accessibilityProblems } from './harness.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Pages reached from the demo: fixed paths, then the first link matching each pattern on a
 *  list, so that the record pages are the demo's own. */
const fixed = ['/', '/studios', '/studios/new', '/studios/alliances/new', '/studios/calls', '/studios/stats',
  '/achievements', '/patents', '/skills', '/titles', '/campaigns', '/programmes', '/reports/annual', '/returns',
  '/users', '/users/new', '/orgs', '/records/import', '/records/import?kind=studios', '/search?q=%E5%B7%A5%E4%BD%9C%E5%AE%A4',
  '/account', '/audit', '/notifications', '/webhooks'];
const followed = [
  ['/studios', /^\/studios\/\d+$/],
  ['/achievements', /^\/achievements\/\d+$/],
  ['/titles', /^\/titles\/\d+$/],
  ['/campaigns', /^\/campaigns\/\d+$/],
  ['/programmes', /^\/programmes\/\d+$/],
  ['/patents', /^\/patents\/\d+$/],
  ['/skills', /^\/skills\/\d+$/],
  ['/achievements', /^\/achievements\/\d+$/],
  ['/users', /^\/users\/\d+$/],
  ['/studios/calls', /^\/studios\/calls\/\d+$/],
  ['/orgs', /^\/orgs\/\d+$/],
];

async function linkLike(page, base, list, pattern) {
  await page.goto(`${base}${list}`);
  const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  const found = hrefs.find((h) => pattern.test(h));
  assert.ok(found, `no link like ${pattern} on ${list}`);
  return found;
}

/** The administrator's pages. */
async function adminPages(page, base) {
  const paths = [...fixed];
  for (const [list, pattern] of followed) {
    paths.push(await linkLike(page, base, list, pattern));
  }
  // A patent's, a skill's, an achievement's and a title's change forms.
  paths.push(`${await linkLike(page, base, '/patents', /^\/patents\/\d+$/)}/edit`);
  paths.push(`${await linkLike(page, base, '/skills', /^\/skills\/\d+$/)}/edit`);
  paths.push(`${await linkLike(page, base, '/achievements', /^\/achievements\/\d+$/)}/edit`);
  paths.push(`${await linkLike(page, base, '/titles', /^\/titles\/\d+$/)}/edit`);
  // A studio's naming notice, from Zhao Pengda's studio.
  await page.goto(`${base}/studios?q=${encodeURIComponent('赵鹏达')}`);
  const studio = await page.locator('a[href^="/studios/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')).find((h) => /^\/studios\/\d+$/.test(h)));
  await page.goto(`${base}${studio}`);
  paths.push(await page.getByTestId('naming-notice').first().getAttribute('href'));
  return paths;
}

/** A union clerk's pages: proposals are seen inside their enterprise. */
async function clerkPages(page, base) {
  return ['/proposals', '/proposals?view=all', '/proposals/new', await linkLike(page, base, '/proposals?view=all', /^\/proposals\/\d+$/)];
}

/** A programme officer's pages: setting up a programme, adding a task, and a task's page with
 *  its entry, change and removal forms (opened before the check, so their inputs count). */
async function officerPages(page, base) {
  const programme = await linkLike(page, base, '/programmes', /^\/programmes\/\d+$/);
  const task = await linkLike(page, base, `${programme}/tasks`, /^\/programmes\/\d+\/tasks\/\d+$/);
  return ['/programmes/new', programme, `${programme}/tasks/new`, task, `${task}/edit`];
}

for (const backend of backends()) {
  test(`${backend}: every kind of page passes axe-core in both languages and widths`, async () => {
    const ingot = await startIngot(backend);
    try {
      const runs = [['zh-CN', 375, 'admin', adminPages], ['en', 1280, 'admin', adminPages],
        ['zh-CN', 375, 'ref.union', clerkPages], ['en', 1280, 'ref.union', clerkPages],
        ['zh-CN', 375, 'nm.programme', officerPages], ['en', 1280, 'nm.programme', officerPages]];
      for (const [locale, width, username, pagesOf] of runs) {
        const { page, context } = await newPage(browser, { width, locale, bypassCSP: true });
        try {
          await signIn(page, ingot.base, username, ingot.password);
          const paths = await pagesOf(page, ingot.base);
          const problems = [];
          for (const path of paths) {
            const response = await page.goto(`${ingot.base}${path}`);
            assert.ok(response.status() < 400, `${path}: ${response.status()}`);
            await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
            for (const p of await accessibilityProblems(page)) problems.push(`${locale} ${width}px ${path} ${p}`);
          }
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      }
    } finally {
      await ingot.stop();
    }
  });
}
