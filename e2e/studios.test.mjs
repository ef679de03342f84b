// A studio's whole life in a real browser: registered by its enterprise union on a phone,
// named municipal by Jinzhou and provincial by Liaoning, each after an on-site review signed on
// a phone (375 px), then failed at assessment and revoked; its public page, read without signing
// in, shows the whole history. On every database the suite runs on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { backends, startIngot, launchBrowser, newPage, signIn, fitsWidth, screenshots } from './harness.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// A 1x1 PNG, as a photo taken on site would be.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const STUDIO = '王芳职工创新工作室';

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

/** The federation publishes a call at its level; returns the call's path. */
async function publishCall(ingot, username, orgLabel, title) {
  let path;
  await as(ingot, username, 1280, async (page) => {
    await page.goto(`${ingot.base}/studios/calls`);
    await page.getByTestId('call-org').selectOption({ label: orgLabel });
    await page.getByTestId('call-title').fill(title);
    await page.getByTestId('call-deadline').fill('2099-12-31');
    await click(page, 'call-submit', /\/studios\/calls\/\d+$/);
    assert.equal(await page.getByTestId('call-heading').textContent(), title);
    path = new URL(page.url()).pathname;
  });
  return path;
}

/** The union applies from the call's page; returns the application's path. */
async function apply(ingot, callPath) {
  let path;
  await as(ingot, 'ref.union', 375, async (page) => {
    await page.goto(`${ingot.base}${callPath}`);
    await page.getByTestId('apply-studio').selectOption({ label: STUDIO });
    await page.getByTestId('apply-statement').fill('申报命名，附工作室档案。');
    await click(page, 'apply-submit', /\/studios\/applications\/\d+$/);
    assert.equal(await page.getByTestId('application-status').textContent(), '已申报');
    assert.equal(await page.getByTestId('snapshot-members').textContent(), '2');
    path = new URL(page.url()).pathname;
  });
  return path;
}

/** The expert reviews on site from a phone: first a wrong signature, then their own. */
async function reviewOnSite(ingot, applicationPath, shot) {
  await as(ingot, 'expert.li', 375, async (page) => {
    await page.goto(`${ingot.base}${applicationPath}`);
    await page.getByTestId('review-form').waitFor();
    assert.ok(await fitsWidth(page), 'the review form fits a 375 px screen');
    for (const item of ['premises', 'equipment', 'team', 'records']) await page.getByTestId(`check-${item}`).check();
    await page.getByTestId('review-score-input').fill('90');
    await page.getByTestId('review-comments').fill('场所、设备和团队与申报一致，活动记录完整。');
    await page.getByTestId('review-photos').setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('review-signature-input').fill('张三');
    await page.getByTestId('review-submit').click();
    await page.getByTestId('error-signature').waitFor();
    assert.match(await page.getByTestId('error-signature').textContent(), /李专家/);
    assert.match(await page.getByTestId('error-confirm').textContent(), /勾选/);
    // What was typed is still there.
    assert.equal(await page.getByTestId('review-score-input').inputValue(), '90');
    await page.getByTestId('review-photos').setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('review-signature-input').fill('李专家');
    await page.getByTestId('review-confirm').check();
    await click(page, 'review-submit', /\/studios\/applications\/\d+$/);
    await page.getByTestId('review-record').waitFor();
    assert.equal(await page.getByTestId('review-signature').textContent().then((t) => t.split(' · ')[0]), '李专家');
    assert.equal(await page.getByTestId('review-photo').count(), 1);
    assert.ok(await fitsWidth(page));
    await page.screenshot({ path: join(screenshots, shot), fullPage: true });
  });
}

async function approve(ingot, username, applicationPath, number, date, funding) {
  await as(ingot, username, 1280, async (page) => {
    await page.goto(`${ingot.base}${applicationPath}`);
    await page.getByTestId('notice-number').fill(number);
    await page.getByTestId('notice-date').fill(date);
    if (funding) await page.getByTestId('notice-funding').fill(funding);
    await click(page, 'decide-approve', /\/studios\/applications\/\d+$/);
    assert.equal(await page.getByTestId('application-status').textContent(), '已命名');
    assert.match(await page.getByTestId('application-notice').textContent(), new RegExp(number.replace(/[〔〕]/g, '.')));
  });
}

for (const backend of backends()) {
  test(`${backend}: a studio from founding through municipal and provincial naming to a failed assessment and revocation`, async () => {
    const ingot = await startIngot(backend);
    const base = ingot.base;
    let studioPath;
    try {
      // The enterprise union registers the studio on a phone; a missing field first.
      await as(ingot, 'ref.union', 375, async (page) => {
        await page.goto(`${base}/studios`);
        await click(page, 'studio-new', /\/studios\/new$/);
        assert.ok(await fitsWidth(page), 'the form fits a 375 px screen');
        await page.getByTestId('studio-name').fill(STUDIO);
        await page.getByTestId('studio-kind').selectOption('employee');
        await page.getByTestId('studio-lead').fill('wang.fang');
        await page.getByTestId('studio-founded').fill('2020-03-01');
        await page.getByTestId('studio-address').fill('锦州冶金耐火材料有限公司技术中心二楼');
        await page.getByTestId('studio-save').click();
        await page.getByTestId('error-fields').waitFor();
        await page.getByTestId('field-refractories').check();
        await page.getByTestId('field-materials').check();
        await click(page, 'studio-save', /\/studios\/\d+$/);
        studioPath = new URL(page.url()).pathname;
        assert.equal(await page.getByTestId('studio-heading').textContent(), STUDIO);
        assert.equal(await page.getByTestId('studio-level').textContent(), '未命名');
        await page.getByTestId('member-username').fill('chen.jing');
        await click(page, 'member-submit', /\/studios\/\d+$/);
        assert.equal(await page.getByTestId('studio-member-count').textContent(), '2');
        await page.getByTestId('honour-add').locator('summary').click();
        await page.getByTestId('honour-title').fill('锦州市劳动模范');
        await page.getByTestId('honour-by').fill('锦州市人民政府');
        await page.getByTestId('honour-level').selectOption('municipal');
        await page.getByTestId('honour-year').fill('2019');
        await click(page, 'honour-submit', /\/studios\/\d+$/);
        assert.match(await page.getByTestId('lead-honour').textContent(), /锦州市劳动模范/);
        // The members' achievements count from their records, each listed; a manual row adds
        // what the records do not hold.
        const fromRecords = await page.getByTestId('record-output-achievement').count();
        assert.equal(await page.getByTestId('total-achievements').textContent(), String(fromRecords));
        await page.getByTestId('output-add').locator('summary').click();
        await page.getByTestId('output-kind').selectOption('achievement');
        await page.getByTestId('output-title').fill('窑车柔性密封改造');
        await click(page, 'output-submit', /\/studios\/\d+$/);
        assert.equal(await page.getByTestId('total-achievements').textContent(), String(fromRecords + 1));
        assert.ok(await fitsWidth(page));
      });

      // Provincial first is refused: the studio holds no municipal naming yet.
      const provincialCall = await publishCall(ingot, 'ln.admin', '辽宁省总工会', '辽宁省劳模创新工作室命名');
      await as(ingot, 'ref.union', 375, async (page) => {
        await page.goto(`${base}${provincialCall}`);
        await page.getByTestId('apply-studio').selectOption({ label: STUDIO });
        await page.getByTestId('apply-submit').click();
        await page.getByTestId('form-error').first().waitFor();
        assert.match(await page.getByTestId('form-error').first().textContent(), /须先获得市级命名/);
      });

      // Municipal naming by Jinzhou.
      const municipalCall = await publishCall(ingot, 'jz.admin', '锦州市总工会', '锦州市劳模创新工作室命名');
      const municipal = await apply(ingot, municipalCall);
      await reviewOnSite(ingot, municipal, `${backend}-studio-site-review-375.png`);
      await approve(ingot, 'jz.admin', municipal, '锦工发〔2025〕5号', '2025-06-01');

      // Provincial naming by Liaoning, with special funding.
      const provincial = await apply(ingot, provincialCall);
      await reviewOnSite(ingot, provincial, `${backend}-studio-site-review-provincial-375.png`);
      await approve(ingot, 'ln.admin', provincial, '辽工发〔2025〕12号', '2025-10-20', '50000');

      // The province assesses it: a fail takes the provincial title away.
      await as(ingot, 'ln.admin', 1280, async (page) => {
        await page.goto(`${base}${studioPath}`);
        assert.equal(await page.getByTestId('studio-level').textContent(), '省级');
        assert.match(await page.getByTestId('funding-granted').textContent(), /50,000\.00/);
        await page.getByTestId('assess-period').fill('2025年度');
        for (const c of ['achievements', 'proposals', 'patents', 'people_trained', 'conditions']) {
          await page.getByTestId(`score-${c}`).fill('35');
        }
        await click(page, 'assess-submit', /\/studios\/\d+$/);
        assert.match(await page.getByTestId('assessment').first().textContent(), /不合格/);
        assert.equal(await page.getByTestId('studio-level').textContent(), '市级');
        await page.screenshot({ path: join(screenshots, `${backend}-studio-assessed-1280.png`), fullPage: true });
      });

      // Jinzhou revokes it.
      await as(ingot, 'jz.admin', 375, async (page) => {
        await page.goto(`${base}${studioPath}`);
        await page.getByTestId('status-select').selectOption('revoked');
        await page.getByTestId('status-reason').fill('考核不合格后整改未达标。');
        await click(page, 'status-submit', /\/studios\/\d+$/);
        assert.equal(await page.getByTestId('studio-status').textContent(), '已撤销');
        assert.equal(await page.getByTestId('studio-level').textContent(), '未命名');
      });

      // The public page, without signing in, shows the whole history.
      const { page, context, problems } = await newPage(browser, { width: 375 });
      try {
        await page.goto(`${base}${studioPath}`);
        assert.equal(await page.getByTestId('studio-status').textContent(), '已撤销');
        const kinds = await page.getByTestId('history-step').evaluateAll((els) => els.map((e) => e.dataset.kind));
        for (const k of ['founded', 'member_joined', 'site_reviewed', 'named', 'funding_granted', 'assessed', 'title_lost', 'revoked']) {
          assert.ok(kinds.includes(k), `history shows ${k}: ${kinds}`);
        }
        assert.ok(!kinds.includes('applied'), 'applications are not public');
        const namings = await page.getByTestId('naming-notice').allTextContents();
        assert.deepEqual(namings, ['锦工发〔2025〕5号', '辽工发〔2025〕12号']);
        assert.equal(await page.getByTestId('naming-lost').count(), 2);
        assert.equal(await page.getByTestId('status-form').count(), 0);
        // Photos taken during the on-site reviews stay with the applications.
        assert.equal(await page.getByTestId('photo').count(), 0);
        assert.ok(await fitsWidth(page));
        await page.screenshot({ path: join(screenshots, `${backend}-studio-public-375.png`), fullPage: true });
        // The list's filters swap the results in place (htmx), and the address follows them.
        await page.goto(`${base}/studios`);
        await page.evaluate(() => { window.stillThisPage = true; });
        await page.locator('#status').selectOption('revoked');
        await page.waitForURL(/status=revoked/);
        await page.waitForFunction(() => {
          const rows = [...document.querySelectorAll('[data-testid="studio-row"]')];
          return rows.length > 0 && rows.every((r) => r.textContent.includes('已撤销'));
        });
        const rows = await page.getByTestId('studio-row').allTextContents();
        assert.ok(rows.some((r) => r.includes(STUDIO)), rows.join(' | '));
        assert.equal(await page.evaluate(() => window.stillThisPage), true, 'no full reload');
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    } finally {
      await ingot.stop();
    }
  });
}
