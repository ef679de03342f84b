// Importing records from a spreadsheet in a real browser, on a phone and a desk: from the list to
// the import page, the template downloaded, a wrong file refused row by row or sent back with its
// wrong cells marked, then the corrected file imported and the new record in the list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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
    // The marked workbook arrives as a download, which ends the form's navigation: Chromium
    // reports that navigation as aborted, which is no fault.
    const faults = problems.filter((p) => !/\/records\/import net::ERR_ABORTED$/.test(p));
    assert.deepEqual(faults, []);
  } finally {
    await context.close();
  }
}

function upload(page, name, text) {
  return page.getByTestId('records-import-file')
    .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

for (const backend of backends()) {
  test(`${backend}: skills imported from a spreadsheet, wrong rows named and marked`, async () => {
    const ingot = await startIngot(backend);
    const base = ingot.base;
    try {
      for (const width of [375, 1280]) {
        await as(ingot, 'dl.admin', width, async (page) => {
          await page.goto(`${base}/skills`);
          await Promise.all([page.waitForURL(/\/records\/import\?kind=skills$/), page.getByTestId('import-link').click()]);
          assert.equal(await page.getByTestId('import-columns').locator('tbody tr').count(), 10);

          // The template's headings, in the reader's language, are the file's first line.
          const href = await page.getByTestId('template-csv').getAttribute('href');
          const template = await page.request.get(new URL(href, page.url()).toString());
          assert.equal(template.status(), 200);
          const heading = (await template.text()).replace(/^\uFEFF/, '').trim();
          const columns = heading.split(',');
          assert.equal(columns.length, 10, heading);
          assert.ok(columns.includes('年度'), heading);

          const name = `浏览器导入的操作法 ${width}`;
          const row = (year) => ['CN-LN-DL-GJZ-MW', '先进操作法', name, 'dl.liu.gang', '', '浏览器里导入', '大连港', '3', 'dl.wang.lei', year].join(',');
          const bad = `${heading}\n${row('二〇二四')}\n`;

          // Wrong: nothing saved, the row and column named.
          await upload(page, 'skills.csv', bad);
          await page.getByTestId('records-import-submit').click();
          await page.getByTestId('import-error').first().waitFor();
          const problem = await page.getByTestId('import-error').first().textContent();
          assert.ok(problem.includes('2') && problem.includes('年度'), problem);
          assert.ok(await fitsWidth(page), `the import report fits a ${width} px screen`);
          await page.screenshot({ path: join(screenshots, `records-import-errors-${width}-${backend}.png`), fullPage: true });

          // Wrong, sent back marked: a workbook comes down instead of the report.
          await upload(page, 'skills.csv', bad);
          await page.getByTestId('records-import-marked').check();
          const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.getByTestId('records-import-submit').click(),
          ]);
          assert.match(download.suggestedFilename(), /skills-problems\.xlsx$/);
          const workbook = await readFile(await download.path());
          assert.equal(workbook.subarray(0, 2).toString(), 'PK');

          // Corrected: saved, and in the list.
          await page.goto(`${base}/records/import?kind=skills`);
          await upload(page, 'skills.csv', `${heading}\n${row('2024')}\n`);
          await page.getByTestId('records-import-submit').click();
          await page.getByTestId('import-ok').waitFor();
          assert.match(await page.getByTestId('import-ok').textContent(), /1/);
          await page.goto(`${base}/skills?q=${encodeURIComponent(name)}`);
          assert.match(await page.getByTestId('skills-table').textContent(), new RegExp(name));
        });
      }
    } finally {
      await ingot.stop();
    }
  });
}

for (const backend of backends()) {
  test(`${backend}: people and studios imported from their lists, and a studio's naming notice`, async () => {
    const ingot = await startIngot(backend);
    const base = ingot.base;
    try {
      for (const width of [375, 1280]) {
        await as(ingot, 'jz.admin', width, async (page) => {
          // People, from the people list: the company's export is the file's layout.
          await page.goto(`${base}/users`);
          await Promise.all([page.waitForURL(/\/records\/import\?kind=people$/), page.getByTestId('import-link').click()]);
          await page.getByTestId('people-note').waitFor();
          const href = await page.getByTestId('template-csv').getAttribute('href');
          const heading = (await (await page.request.get(new URL(href, page.url()).toString())).text()).replace(/^\uFEFF/, '').trim();
          assert.equal(heading.split(',').length, 5, heading);
          const who = `web.${width}`;
          await upload(page, 'people.csv', `${heading}\nCN-LN-JZ-REF-TC,${who},网页导入${width},,"审核人, 职工"\n`);
          await page.getByTestId('records-import-submit').click();
          await page.getByTestId('import-ok').waitFor();
          await page.goto(`${base}/users?q=${who}`);
          assert.equal(await page.getByTestId('user-row').count(), 1);
          assert.match(await page.getByTestId('users-table').textContent(), /审核人/);

          // Studios, from the registry, the new person among the members.
          await page.goto(`${base}/studios`);
          await Promise.all([page.waitForURL(/\/records\/import\?kind=studios$/), page.getByTestId('import-link').click()]);
          const studio = `网页导入的工作室 ${width}`;
          const columns = 'unit_code,name,kind,lead,founded_on,address,fields,description,members';
          await upload(page, 'studios.csv', `${columns}\nCN-LN-JZ-REF,${studio},职工创新工作室,li.ming,2022-04-01,技术中心,"冶金、能源",,"${who}, sun.qiang"\n`);
          await page.getByTestId('records-import-submit').click();
          await page.getByTestId('import-ok').waitFor();
          assert.ok(await fitsWidth(page), `the import page fits a ${width} px screen`);
          await page.screenshot({ path: join(screenshots, `studios-import-${width}-${backend}.png`), fullPage: true });

          // Zhao Pengda's provincial naming leads to its notice, which prints.
          await page.goto(`${base}/studios?q=${encodeURIComponent('赵鹏达')}`);
          await Promise.all([page.waitForURL(/\/studios\/\d+$/), page.getByRole('link', { name: '赵鹏达劳模创新工作室' }).first().click()]);
          await Promise.all([page.waitForURL(/\/studios\/notices\/\d+$/), page.getByTestId('naming-notice').last().click()]);
          assert.match(await page.getByTestId('notice-studios').textContent(), /赵鹏达劳模创新工作室/);
          const pdf = await page.request.get(new URL(await page.getByTestId('notice-pdf').getAttribute('href'), page.url()).toString());
          assert.equal(pdf.status(), 200);
          assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
          assert.ok(await fitsWidth(page), `the notice fits a ${width} px screen`);
          await page.screenshot({ path: join(screenshots, `naming-notice-${width}-${backend}.png`), fullPage: true });
        });
      }
    } finally {
      await ingot.stop();
    }
  });
}
