// The annual summary in a real browser: a city federation's clerk opens it from the menu on a
// phone, sees Dalian's 2020 figures beside 2019, follows a figure to the records behind it, and
// downloads the workbook, then ranks the units below; on a desk in English too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { backends, startIngot, launchBrowser, newPage, signIn, fitsWidth, screenshots } from './harness.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function figure(page, code) {
  return (await page.getByTestId(`line-${code}`).getByTestId('value').textContent()).trim();
}

for (const backend of backends()) {
  test(`${backend}: Dalian's 2020 summary, a figure followed to its records, the workbook`, async () => {
    const ingot = await startIngot(backend);
    try {
      for (const [width, locale] of [[375, 'zh-CN'], [1280, 'en-GB']]) {
        const { page, context, problems } = await newPage(browser, { width, locale });
        try {
          await signIn(page, ingot.base, 'dl.admin', ingot.password);
          // The demo's people read Chinese; the English reader switches once.
          const lang = await page.getAttribute('html', 'lang');
          if (locale === 'en-GB' && lang.startsWith('zh')) {
            await Promise.all([page.waitForLoadState(), page.getByTestId('lang-switch').click()]);
          }
          await Promise.all([page.waitForURL(/\/reports\/annual/), page.getByTestId('dashboard-annual').click()]);
          await page.getByTestId('annual-year').fill('2020');
          await Promise.all([page.waitForURL(/year=2020/), page.getByTestId('annual-apply').click()]);
          assert.equal(await figure(page, 'achievements'), '209');
          assert.equal(await figure(page, 'skills'), '30');
          assert.equal(await figure(page, 'proposals.put_forward'), '460');
          assert.equal(await figure(page, 'patents'), '32');
          assert.equal(await figure(page, 'titles'), '10');
          assert.equal(await figure(page, 'benefit'), '1,662,000,000.00');
          await page.screenshot({ path: join(screenshots, `annual-summary-${width}-${backend}.png`), fullPage: true });
          assert.ok(await fitsWidth(page), `the summary fits a ${width} px screen`);
          // The workbook downloads as a spreadsheet.
          const href = await page.getByTestId('annual-xlsx').getAttribute('href');
          const r = await page.request.get(new URL(href, page.url()).toString());
          assert.equal(r.status(), 200);
          assert.match(r.headers()['content-type'], /spreadsheetml/);
          // A figure leads to its records: the inventions of that year in Dalian.
          const inventions = await figure(page, 'patents.invention');
          await Promise.all([
            page.waitForURL(/\/patents\?/),
            page.getByTestId('line-patents.invention').getByTestId('value').click(),
          ]);
          assert.equal(await page.getByTestId('patent-row').count(), Number(inventions));
          // Dalian's districts ranked, as a chart with its table.
          await page.goBack();
          await Promise.all([page.waitForURL(/\/reports\/rankings/), page.getByTestId('annual-rankings').click()]);
          await page.getByTestId('rank-by').selectOption('implementation_rate');
          await Promise.all([page.waitForURL(/by=implementation_rate/), page.getByTestId('rank-apply').click()]);
          assert.ok(await page.getByTestId('rank-row').count() >= 1);
          assert.ok(await fitsWidth(page), `the ranking fits a ${width} px screen`);
          await page.screenshot({ path: join(screenshots, `rankings-${width}-${backend}.png`), fullPage: true });
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
