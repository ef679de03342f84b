// The Breakthrough project's overview as a science department shows it: every figure of the
// facts on one page, with charts, at 1280 px and on a phone (375 px); each figure opens the
// records behind it, filtered, with exports. And an officer setting up a programme and filling
// it in on a phone, with no API. On every database the suite runs on.
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

for (const backend of backends()) {
  test(`an officer sets up a programme and fills it in on a phone (${backend})`, async () => {
    const ingot = await startIngot(backend);
    try {
      await as(ingot, 'nm.programme', 375, async (page) => {
        await page.goto(`${ingot.base}/programmes`);
        await click(page, 'programme-new', /\/programmes\/new$/);
        assert.ok(await fitsWidth(page), 'the form fits a 375 px screen');
        await page.getByTestId('programme-code').fill('NM-GRID-2025');
        await page.getByTestId('programme-year').fill('2025');
        await page.getByTestId('programme-name').fill('新型电力系统攻坚工程');
        await page.getByTestId('programme-summary').fill('以新型电力系统为主线，部署关键核心技术攻关任务。');
        await page.getByTestId('area-code-0').fill('storage');
        await page.getByTestId('area-name-0').fill('新型储能');
        await page.getByTestId('area-code-1').fill('grid');
        await page.getByTestId('area-name-1').fill('电网基础设施');
        await page.getByTestId('area-infra-1').check();
        await page.screenshot({ path: join(screenshots, `${backend}-programme-new-375.png`), fullPage: true });
        await click(page, 'programme-save', /\/programmes\/\d+$/);
        assert.match(await page.getByTestId('programme-title').textContent(), /新型电力系统攻坚工程/);
        assert.equal(await page.getByTestId('area-row').count(), 2);

        // A task, its lead named by code; a wrong budget is named first.
        await click(page, 'task-new', /\/tasks\/new$/);
        await page.getByTestId('task-code').fill('GRID-01');
        await page.getByTestId('task-title-input').fill('百兆瓦级液流电池储能系统集成');
        await page.getByTestId('task-lead').fill('CN-NM-BT-NRE');
        await page.getByTestId('task-leader').fill('高晓峰');
        await page.getByTestId('task-starts').fill('2025-03-01');
        await page.getByTestId('task-budget-input').fill('五百万');
        await page.getByTestId('task-save').click();
        await page.getByTestId('error-budget_cents').waitFor();
        await page.getByTestId('task-budget-input').fill('5,000,000');
        await click(page, 'task-save', /\/tasks\/\d+$/);
        assert.equal((await page.getByTestId('task-budget').textContent()).trim(), '500万元');

        // Funding over the budget, with its reason; a milestone, then reached from its row.
        await page.getByTestId('funding-add').locator('summary').click();
        await page.getByTestId('funding-year').fill('2025');
        await page.getByTestId('funding-actual').fill('6,000,000');
        await page.getByTestId('funding-reason').fill('追加电堆中试线设备');
        await click(page, 'funding-save', /\/tasks\/\d+$/);
        await page.getByTestId('over-budget').waitFor();
        await page.getByTestId('milestone-add').locator('summary').click();
        await page.getByTestId('milestone-title').fill('完成10兆瓦示范系统验收');
        await page.getByTestId('milestone-due').fill('2025-12-31');
        await click(page, 'milestone-save', /\/tasks\/\d+$/);
        const row = page.locator('details[data-testid^="milestone-"]').filter({ has: page.locator('form') }).first();
        await row.locator('summary').click();
        await row.locator('input[name="done_on"]').fill('2025-12-20');
        await row.locator('input[name="evidence"]').fill('验收报告 NM-YS-2025-118');
        await Promise.all([page.waitForURL(/\/tasks\/\d+$/), row.locator('button[type="submit"]').click()]);
        assert.match(await page.getByTestId('task-milestones').textContent(), /验收报告 NM-YS-2025-118/);
        assert.ok(await fitsWidth(page), 'the task page fits a 375 px screen');
        await page.screenshot({ path: join(screenshots, `${backend}-programme-task-375.png`), fullPage: true });

        // The task completed on its change form; its history says what it was.
        await click(page, 'task-edit', /\/edit$/);
        await page.getByTestId('task-status').selectOption('completed');
        await click(page, 'task-save', /\/tasks\/\d+$/);
        assert.match(await page.getByTestId('task-history').textContent(), /已完成|完成/);
        assert.ok(await page.getByTestId('history-change').count() >= 1);
      });
    } finally {
      await ingot.stop();
    }
  });
}
