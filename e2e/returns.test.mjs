// A statistical return in a real browser: the province opens it on a desk from the menu, the
// city fills in what records do not hold and submits on a phone, the province accepts it.
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

for (const backend of backends()) {
  test(`${backend}: a return opened, submitted by the city and accepted by the province`, async () => {
    const ingot = await startIngot(backend);
    let at;
    try {
      await as(ingot, 'ln.admin', 1280, async (page) => {
        await page.getByTestId('nav-more').click();
        await Promise.all([page.waitForURL(/\/returns$/), page.getByTestId('nav-returns').click()]);
        await page.getByTestId('return-year').fill('2020');
        await page.getByTestId('return-due').fill('2021-01-15');
        // Without a title the form comes back naming it.
        await page.getByTestId('return-open').click();
        await page.getByTestId('error-title').waitFor();
        await page.getByTestId('return-title').fill('2020年度群众性技术创新统计年报');
        await Promise.all([page.waitForURL(/\/returns\/\d+$/), page.getByTestId('return-open').click()]);
        at = page.url();
        assert.match(await page.getByTestId('return-missing').textContent(), /\d/);
      });
      await as(ingot, 'dl.admin', 375, async (page) => {
        await page.goto(at);
        await page.getByTestId('added-cooperation_projects').fill('12');
        await page.getByTestId('added-participants').fill('35000');
        await Promise.all([page.waitForURL(at), page.getByTestId('submit-row').click()]);
        assert.match(await page.getByTestId('return-unit-CN-LN-DL').getByTestId('status').textContent(), /已上报/);
        assert.ok(await fitsWidth(page), 'the return fits a 375 px screen');
        await page.screenshot({ path: join(screenshots, `return-city-375-${backend}.png`), fullPage: true });
      });
      await as(ingot, 'ln.admin', 1280, async (page) => {
        await page.goto(at);
        await Promise.all([page.waitForURL(at), page.getByTestId('accept-row').click()]);
        assert.match(await page.getByTestId('return-unit-CN-LN-DL').getByTestId('status').textContent(), /已通过/);
        assert.match(await page.getByTestId('return-totals').textContent(), /35000/);
        await page.screenshot({ path: join(screenshots, `return-province-1280-${backend}.png`), fullPage: true });
        const href = await page.getByTestId('return-xlsx').getAttribute('href');
        const r = await page.request.get(new URL(href, page.url()).toString());
        assert.equal(r.status(), 200);
        assert.match(r.headers()['content-type'], /spreadsheetml/);
      });
    } finally {
      await ingot.stop();
    }
  });
}
