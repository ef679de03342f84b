// The Breakthrough project's overview as a science department shows it: every figure of the
// facts on one page, with charts, at 1280 px and on a phone (375 px); each figure opens the
// records behind it, filtered, with exports. On every database the suite runs on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { backends, startIngot, launchBrowser, newPage, signIn, fitsWidth, screenshots } from './harness.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function as(ingot, username, width, work) {
  const { page, context, problems } = await newPage(browser, { width });
  try {
    await signIn(page, ingot.base, username, ingot.password);
    await work(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
}

async function click(page, testid, urlPattern) {
  await Promise.all([page.waitForURL(urlPattern), page.getByTestId(testid).click()]);
}

async function figure(page, testid) {
  return (await page.getByTestId(testid).locator('.value').textContent()).trim();
}

for (const backend of backends()) {
  test(`the Breakthrough overview and its drill-downs (${backend})`, async () => {
    const ingot = await startIngot(backend);
    try {
      await as(ingot, 'nm.programme', 1280, async (page) => {
        await page.goto(ingot.base);
        await click(page, 'nav-programmes', /\/programmes$/);
        await click(page, 'programme-link', /\/programmes\/\d+$/);
        const overview = page.url();
        assert.equal(await figure(page, 'figure-tasks'), '75');
        assert.equal(await figure(page, 'figure-fiscal'), '6.7亿元');
        assert.equal(await figure(page, 'figure-social'), '28亿元');
        assert.equal(await figure(page, 'figure-leverage'), '4.18:1');
        assert.equal(await figure(page, 'figure-pilot-lines'), '10');
        assert.equal(await figure(page, 'figure-new-products'), '21');
        assert.equal(await figure(page, 'figure-adopting'), '10');
        assert.equal(await figure(page, 'figure-added-value'), '3亿元');
        assert.equal(await figure(page, 'figure-academicians'), '24');
        assert.ok(Number(await figure(page, 'figure-researchers')) > 4000);
        assert.equal(await figure(page, 'figure-institutions'), '261');
        assert.equal(await page.getByTestId('area-row').count(), 8);
        assert.deepEqual(await page.getByTestId('award-share').allTextContents(), ['15.2%', '20%']);
        // The charts are drawn from the embedded data.
        await page.waitForSelector('canvas[data-chart="chart-tasks"][data-drawn="1"]');
        await page.screenshot({ path: join(screenshots, `${backend}-programme-overview-1280.png`), fullPage: true });

        // Academicians: the list behind the figure, with its exports.
        await click(page, 'figure-academicians', /\/people\?academician=true$/);
        assert.match(await page.getByTestId('list-total').textContent(), /24/);
        assert.equal(await page.getByTestId('list-row').count(), 24);
        assert.match(await page.getByTestId('export-csv').getAttribute('href'), /export\/people\?academician=true&format=csv$/);
        const csv = await page.evaluate(async (href) => (await fetch(href)).text(), await page.getByTestId('export-csv').getAttribute('href'));
        assert.equal(csv.trim().split('\n').length, 25, 'a header and 24 academicians');

        // Institutions: 261, of which 256 outside the union tree.
        await page.goto(overview);
        await click(page, 'figure-institutions', /\/institutions$/);
        assert.match(await page.getByTestId('list-total').textContent(), /261/);
        await page.getByTestId('filter-kind').selectOption('external');
        await click(page, 'filter-apply', /kind=external/);
        assert.match(await page.getByTestId('list-total').textContent(), /256/);
      });

      // On a phone: the overview fits, and a figure leads to its records and on to a task.
      await as(ingot, 'nm.programme', 375, async (page) => {
        await page.goto(`${ingot.base}/programmes`);
        await click(page, 'programme-link', /\/programmes\/\d+$/);
        assert.ok(await fitsWidth(page), 'the overview fits a 375 px screen');
        await page.screenshot({ path: join(screenshots, `${backend}-programme-overview-375.png`), fullPage: true });
        await click(page, 'figure-pilot-lines', /outputs\?kind=pilot_line$/);
        assert.equal(await page.getByTestId('list-row').count(), 10);
        assert.ok(await fitsWidth(page), 'the list fits a 375 px screen');
        await Promise.all([page.waitForURL(/\/tasks\/\d+$/), page.getByTestId('list-row').first().locator('a').first().click()]);
        assert.match(await page.getByTestId('task-title').textContent(), /稀土/);
        assert.ok(await fitsWidth(page));
      });

      // A federation of another province has no programme to read, and no way to this one.
      await as(ingot, 'ln.admin', 1280, async (page) => {
        await page.goto(ingot.base);
        await click(page, 'nav-programmes', /\/programmes$/);
        await page.getByTestId('programmes-empty').waitFor();
        assert.equal(await page.getByTestId('programme-link').count(), 0);
      });
      // An enterprise's employee has no Programmes item at all.
      await as(ingot, 'zhangwenbin', 375, async (page) => {
        await page.goto(ingot.base);
        assert.equal(await page.getByTestId('nav-programmes').count(), 0);
      });
    } finally {
      await ingot.stop();
    }
  });
}
