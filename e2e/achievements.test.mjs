// Innovation records in a real browser, on a phone and a desk: a patent with its number checked,
// a patent list imported (a wrong row refuses the file), an achievement with its team linked to
// the patent and verified by finance, a skill and a title, the exports and the record page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { backends, startIngot, launchBrowser, newPage, signIn, fitsWidth, screenshots } from './harness.mjs';

// A 1x1 PNG, as a photo of the device would be.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

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

async function click(page, testid, url) {
  await Promise.all([page.waitForURL(url), page.getByTestId(testid).click()]);
}

async function download(page, href) {
  const r = await page.request.get(new URL(href, page.url()).toString());
  return { status: r.status(), type: r.headers()['content-type'] || '', body: await r.body() };
}

for (const backend of backends()) {
  test(`${backend}: patents, an achievement with its verified benefit, a skill and a title`, async () => {
    const ingot = await startIngot(backend);
    const base = ingot.base;
    let achievementUrl;
    try {
      await as(ingot, 'dl.union', 375, async (page) => {
        // A patent: a wrong check character is refused, naming the field; then the right one.
        await page.goto(`${base}/patents`);
        await page.getByTestId('patent-new').click();
        await page.getByTestId('patent-number').fill('CN202010566088.8');
        await page.getByTestId('patent-title').fill('图像处理方法');
        await page.getByTestId('patent-inventors').fill('刘刚');
        await page.getByTestId('patent-applied').fill('2020-06-19');
        await page.getByTestId('patent-granted').fill('2020-01-01');
        await page.getByTestId('patent-save').click();
        await page.getByTestId('error-number').waitFor();
        assert.match(await page.getByTestId('error-number').textContent(), /校验位/);
        assert.match(await page.getByTestId('error-granted').textContent(), /早于申请日/);
        assert.ok(await fitsWidth(page), 'the patent form fits a 375 px screen');
        await page.screenshot({ path: join(screenshots, `patents-errors-375-${backend}.png`), fullPage: true });
        await page.getByTestId('patent-number').fill('ZL202010566088.9');
        await page.getByTestId('patent-granted').fill('2021-03-02');
        await click(page, 'patent-save', /\/patents$/);
        assert.match(await page.getByTestId('patents-table').textContent(), /CN202010566088\.9/);

        // An import with one wrong row saves nothing and says which row and column.
        await page.getByTestId('patent-import').click();
        const bad = '申请号,专利名称,发明人,申请日\nCN201811564288.X,大规模接入方法,齐俏,2018-12-20\nCN202322865413.4,真空泵,张晨,2023-10-24\n';
        await page.getByTestId('patent-import-file').setInputFiles({ name: 'patents.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
        await page.getByTestId('patent-import-save').click();
        await page.getByTestId('import-error').first().waitFor();
        const row = await page.getByTestId('import-error').first().textContent();
        assert.ok(row.includes('3') && row.includes('申请号'), row);
        assert.ok(!(await page.getByTestId('patents-table').textContent()).includes('CN201811564288.X'));
        await page.getByTestId('patent-import').click();
        const good = bad.replace('413.4', '413.3');
        await page.getByTestId('patent-import-file').setInputFiles({ name: 'patents.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
        await click(page, 'patent-import-save', /\/patents$/);
        assert.match(await page.getByTestId('patents-table').textContent(), /CN201811564288\.X/);
        const csv = await download(page, await page.getByTestId('export-csv').getAttribute('href'));
        assert.equal(csv.status, 200);
        assert.ok(csv.type.startsWith('text/csv'), csv.type);
        assert.ok(csv.body.toString().includes('CN202322865413.3'));

        // An achievement: the first completer must work at the unit.
        await page.goto(`${base}/achievements`);
        await page.getByTestId('achievement-new').locator('summary').click();
        await page.getByTestId('achievement-title').fill('大型轴承套圈在线检测装置');
        await page.getByTestId('achievement-summary').fill('在线检测套圈尺寸，降低废品率。');
        await page.getByTestId('achievement-field').fill('机械制造');
        await page.getByTestId('achievement-kind').selectOption('equipment');
        await page.getByTestId('achievement-finished').fill('2021-11-30');
        await page.getByTestId('achievement-completer-1').fill('dl.wang.lei');
        await page.getByTestId('achievement-completer-2').fill('dl.liu.gang');
        await page.getByTestId('achievement-save').click();
        await page.getByTestId('form-error').first().waitFor();
        assert.match(await page.getByTestId('form-error').first().textContent(), /第一完成人/);
        await page.getByTestId('achievement-completer-1').fill('dl.liu.gang');
        await page.getByTestId('achievement-completer-2').fill('dl.wang.lei');
        await click(page, 'achievement-save', /\/achievements\/\d+$/);
        achievementUrl = page.url();
        assert.match(await page.getByTestId('completers').textContent(), /刘刚[\s\S]*王磊/);
        await page.getByTestId('link-patent').fill('CN202010566088.9');
        await click(page, 'link-save', /\/achievements\/\d+$/);
        assert.match(await page.getByTestId('linked-patents').textContent(), /CN202010566088\.9/);
        // A negative figure is refused; a free amount needs its explanation.
        await page.getByTestId('claim-amount').fill('-5');
        await page.getByTestId('claim-note').fill('n');
        await page.getByTestId('claim-save').click();
        await page.getByTestId('form-error').first().waitFor();
        await page.getByTestId('claim-amount').fill('120000');
        await page.getByTestId('claim-note').fill('年节约废品损失');
        await click(page, 'claim-save', /\/achievements\/\d+$/);
        assert.match(await page.getByTestId('benefit-claimed').textContent(), /120,000\.00/);
        // A photo, checked by its contents; a file that is not what its name says is refused.
        await page.getByTestId('attach-file').setInputFiles({ name: '检测照片.png', mimeType: 'image/png', buffer: PNG });
        await click(page, 'attach-submit', /\/achievements\/\d+$/);
        assert.equal(await page.getByTestId('attachment-link').count(), 1);
        await page.getByTestId('attach-file').setInputFiles({ name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ not a pdf') });
        await page.getByTestId('attach-submit').click();
        await page.getByTestId('form-error').first().waitFor();
        assert.equal(await page.getByTestId('attachment-link').count(), 1);
        assert.ok(await fitsWidth(page), 'the achievement page fits a 375 px screen');
        await page.screenshot({ path: join(screenshots, `achievement-375-${backend}.png`), fullPage: true });

        // A skill named after its creator, with the people trained.
        await page.goto(`${base}/skills`);
        await page.getByTestId('skill-new').click();
        await page.getByTestId('skill-name').fill('刘刚盲调法');
        await page.getByTestId('skill-creator').fill('dl.liu.gang');
        await page.getByTestId('skill-description').fill('凭手感调整主轴间隙');
        await page.getByTestId('skill-where').fill('磨削工段');
        await page.getByTestId('skill-count').fill('1');
        await page.getByTestId('skill-trainee-1').fill('dl.zhao.min');
        await page.getByTestId('skill-trainee-2').fill('dl.wu.yan');
        await page.getByTestId('skill-year').fill('2021');
        await page.getByTestId('skill-save').click();
        await page.getByTestId('error-trained-count').waitFor();
        await page.getByTestId('skill-count').fill('12');
        await click(page, 'skill-save', /\/skills$/);
        assert.match(await page.getByTestId('skills-table').textContent(), /刘刚盲调法/);
        const xlsx = await download(page, await page.getByTestId('export-xlsx').getAttribute('href'));
        assert.equal(xlsx.status, 200);
        assert.ok(xlsx.type.includes('spreadsheetml'), xlsx.type);

        // A title from the city federation.
        await page.goto(`${base}/titles`);
        await page.getByTestId('title-new').click();
        await page.getByTestId('title-holder').fill('dl.liu.gang');
        await page.getByTestId('title-name').fill('大连市劳动模范');
        const dalian = await page.getByTestId('title-body').locator('option[data-code="CN-LN-DL"]').getAttribute('value');
        await page.getByTestId('title-body').selectOption(dalian);
        await page.getByTestId('title-year').fill('2022');
        await page.getByTestId('title-level').selectOption('municipal');
        await click(page, 'title-save', /\/titles$/);
        assert.match(await page.getByTestId('titles-table').textContent(), /大连市劳动模范/);
        await page.getByTestId('titles-table').getByText('刘刚').first().click();
        await page.getByTestId('holdings-heading').waitFor();
        assert.match(await page.getByTestId('holdings-titles').textContent(), /大连市劳动模范/);
        assert.match(await page.getByTestId('holdings-achievements').textContent(), /大型轴承套圈在线检测装置/);
        assert.match(await page.getByTestId('holdings-skills').textContent(), /刘刚盲调法/);
      });

      // Finance verifies a corrected figure, which then locks.
      await as(ingot, 'dl.finance', 1280, async (page) => {
        await page.goto(achievementUrl);
        await page.getByTestId('verify-amount').fill('90000');
        await page.getByTestId('verify-note').fill('按实际产量核减');
        await click(page, 'verify-save', /\/achievements\/\d+$/);
        assert.match(await page.getByTestId('benefit-verified').textContent(), /90,000\.00/);
        await page.getByTestId('benefit-locked').waitFor();
        await page.screenshot({ path: join(screenshots, `achievement-1280-${backend}.png`), fullPage: true });
      });

      // The city federation reads its 2020 achievements and exports them.
      await as(ingot, 'dl.admin', 1280, async (page) => {
        await page.goto(`${base}/achievements?year=2020`);
        assert.match(await page.getByTestId('records-total').textContent(), /209/);
        const file = await download(page, await page.getByTestId('export-csv').getAttribute('href'));
        assert.equal(file.status, 200);
        assert.equal(file.body.toString().trim().split('\n').length, 210);
        await page.screenshot({ path: join(screenshots, `achievements-1280-${backend}.png`) });
      });
    } finally {
      await ingot.stop();
    }
  });
}
