// A proposal's whole life in a real browser: submitted on a phone with a duplicate warning,
// three review steps (one blind), adoption, implementation, a verified benefit, a reward split
// between two proposers, and the payroll export. On every database the suite runs on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backends, startIngot, launchBrowser, newPage, signIn, fitsWidth, screenshots } from './harness.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// A 1x1 PNG, as a photo of the kiln car would be.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Signs in as `username` in a fresh context, runs `work(page)`, checks for problems. */
async function as(ingot, username, width, work) {
  const { page, context, problems } = await newPage(browser, { width });
  try {
    await signIn(page, ingot.base, username, ingot.password);
    await work(page);
    // A download ends its request without a page: Chromium reports that as a failed request.
    assert.deepEqual(problems.filter((p) => !p.includes('/proposals/rewards?')), []);
  } finally {
    await context.close();
  }
}

async function openProposal(page, base, id) {
  await page.goto(`${base}/proposals/${id}`);
  await page.getByTestId('proposal-heading').waitFor();
}

async function post(page, testid, urlPattern = /\/proposals\/\d+$/) {
  await Promise.all([page.waitForURL(urlPattern), page.getByTestId(testid).click()]);
}

for (const backend of backends()) {
  test(`${backend}: a proposal from a phone through three reviews to a verified benefit and a reward`, async () => {
    const ingot = await startIngot(backend);
    const base = ingot.base;
    let id;
    try {
      // li.ming proposes on a phone, with sun.qiang sharing 40%; first a mistake in the shares.
      await as(ingot, 'li.ming', 375, async (page) => {
        await page.goto(`${base}/proposals`);
        await page.getByTestId('proposal-new').click();
        await page.getByTestId('proposal-form').waitFor();
        assert.ok(await fitsWidth(page), 'the form fits a 375 px screen');
        await page.getByTestId('proposal-title').fill('隧道窑窑车密封砂槽改为耐火纤维毡密封');
        await page.getByTestId('proposal-problem').fill('窑车两侧砂封槽的石英砂不断流失，每班需人工补砂，车下漏风使温度超过120℃，窑车轴承变形加快。');
        await page.getByTestId('proposal-change').fill('在窑车裙板下沿加装耐火纤维毡密封条，与窑墙曲封砖配合形成柔性密封，砂封槽保留作辅助密封。');
        await page.getByTestId('proposal-category').selectOption('small_innovation');
        await page.getByTestId('co1-username').fill('sun.qiang');
        await page.getByTestId('co1-share').fill('40');
        await page.getByTestId('proposer-share').fill('50');
        await page.getByTestId('proposal-save-draft').click();
        await page.getByTestId('error-shares').waitFor();
        assert.match(await page.getByTestId('error-shares').textContent(), /90%/);
        await page.getByTestId('proposer-share').fill('60');
        await post(page, 'proposal-save-draft');
        assert.equal(await page.getByTestId('proposal-status').textContent(), '草稿');
        id = page.url().split('/').pop();

        // A photo, then a file that is not what its name says.
        await page.getByTestId('attach-file').setInputFiles({ name: '窑车.png', mimeType: 'image/png', buffer: PNG });
        await post(page, 'attach-submit');
        assert.equal(await page.getByTestId('attachment-link').count(), 1);
        await page.getByTestId('attach-file').setInputFiles({ name: 'tool.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ not a pdf') });
        await page.getByTestId('attach-submit').click();
        await page.getByTestId('form-error').first().waitFor();
        assert.match(await page.getByTestId('form-error').first().textContent(), /tool\.pdf/);
        assert.equal(await page.getByTestId('attachment-link').count(), 1);

        // Submitting warns of the 2021 proposal it resembles; the proposer goes on anyway.
        await page.getByTestId('proposal-submit-now').click();
        await page.getByTestId('similar-warning').waitFor();
        const similar = await page.getByTestId('similar-item').first().textContent();
        assert.ok(similar.includes('隧道窑窑车密封砂槽改用耐火纤维毡密封'), similar);
        assert.ok(similar.includes('2021-08-05'), similar);
        assert.ok(await fitsWidth(page));
        await page.screenshot({ path: join(screenshots, `${backend}-proposal-duplicate-warning-375.png`), fullPage: true });
        await post(page, 'submit-anyway');
        assert.equal(await page.getByTestId('proposal-status').textContent(), '审核中');
        assert.match(await page.getByTestId('proposal-number').textContent(), /CN-LN-JZ-REF-\d{4}-\d{4}/);
        await page.screenshot({ path: join(screenshots, `${backend}-proposal-submitted-375.png`), fullPage: true });
      });

      // Step 1: the kiln workshop's head finds it in their queue (and on the bell) and passes it on.
      await as(ingot, 'kiln.head', 1280, async (page) => {
        assert.equal(await page.getByTestId('bell-count').textContent(), '1');
        await page.goto(`${base}/proposals?view=to_review`);
        await page.getByTestId('proposal-link').filter({ hasText: '耐火纤维毡' }).click();
        await page.getByTestId('review-form').waitFor();
        // A reject needs a reason: the form says so and nothing changes.
        await page.getByTestId('review-reject').click();
        await page.getByTestId('error-comment').waitFor();
        assert.equal(await page.getByTestId('proposal-status').textContent(), '审核中');
        await page.getByTestId('review-comment').fill('车间同意，建议技术中心评估密封材料寿命。');
        await post(page, 'review-forward');
        assert.equal(await page.getByTestId('review-form').count(), 0);
      });

      // Step 2 is blind: the technical centre sees the content, not who proposed it.
      await as(ingot, 'ref.reviewer', 1280, async (page) => {
        await openProposal(page, base, id);
        await page.getByTestId('blind-note').waitFor();
        const people = await page.getByTestId('proposal-people').textContent();
        assert.ok(!people.includes('李明') && !people.includes('孙强'), people);
        const timeline = await page.getByTestId('timeline').textContent();
        assert.ok(!timeline.includes('李明'), timeline);
        assert.ok((await page.getByTestId('proposal-problem').textContent()).includes('砂封槽'));
        await page.screenshot({ path: join(screenshots, `${backend}-proposal-blind-review-1280.png`), fullPage: true });
        await post(page, 'review-forward');
      });

      // Step 3: the union adopts it, then records the implementation as done.
      await as(ingot, 'ref.union', 1280, async (page) => {
        await openProposal(page, base, id);
        await post(page, 'review-adopt');
        assert.equal(await page.getByTestId('proposal-status').textContent(), '已采纳');
        await page.getByTestId('impl-owner').fill('li.ming');
        await page.getByTestId('impl-due').fill('2026-12-31');
        await page.getByTestId('impl-status-select').selectOption('done');
        await post(page, 'impl-submit');
        assert.equal(await page.getByTestId('proposal-status').textContent(), '已实施');
      });

      // The proposer claims the benefit: (38.50 - 31.20) x 12,000 = 87,600.00 yuan.
      await as(ingot, 'li.ming', 375, async (page) => {
        await openProposal(page, base, id);
        await page.getByTestId('benefit-method').selectOption('cost');
        await page.getByTestId('benefit-old').fill('38.50');
        await page.getByTestId('benefit-new').fill('31.20');
        await page.getByTestId('benefit-volume').fill('12000');
        await page.getByTestId('benefit-note').fill('按2026年实际产量折算');
        await post(page, 'benefit-submit');
        assert.equal((await page.getByTestId('benefit-claimed').textContent()).trim().split(' ')[0], '¥87,600.00');
      });

      // Finance corrects the figure and it locks.
      await as(ingot, 'ref.finance', 1280, async (page) => {
        await openProposal(page, base, id);
        await page.getByTestId('verify-amount').fill('80000');
        await page.getByTestId('verify-note').fill('扣除密封条采购费用');
        await post(page, 'verify-submit');
        assert.match(await page.getByTestId('benefit-verified').textContent(), /¥80,000\.00/);
        assert.equal(await page.getByTestId('verify-form').count(), 0);
      });

      // The union decides a third prize (500 yuan), split 60/40.
      await as(ingot, 'ref.union', 1280, async (page) => {
        await openProposal(page, base, id);
        await page.getByTestId('reward-basis').selectOption('grade');
        await page.getByTestId('reward-grade').selectOption('third');
        await post(page, 'reward-submit');
        assert.equal(await page.getByTestId('proposal-status').textContent(), '已奖励');
        const people = await page.getByTestId('proposal-people').textContent();
        assert.ok(people.includes('¥300.00') && people.includes('¥200.00'), people);
        const kinds = await page.getByTestId('timeline-entry').evaluateAll((els) => els.map((e) => e.dataset.kind));
        for (const k of ['created', 'attached', 'submitted', 'forwarded', 'adopted', 'implemented', 'benefit_claimed', 'benefit_verified', 'rewarded']) {
          assert.ok(kinds.includes(k), `timeline has ${k}: ${kinds}`);
        }
        await page.screenshot({ path: join(screenshots, `${backend}-proposal-rewarded-1280.png`), fullPage: true });
      });

      // Finance downloads the payroll list and the statistics show the company's 2022 facts.
      await as(ingot, 'ref.finance', 1280, async (page) => {
        await page.goto(`${base}/proposals/stats`);
        await page.locator('#org').selectOption({ label: '锦州冶金耐火材料有限公司' });
        await page.getByTestId('stats-from').fill('2022-01');
        await page.getByTestId('stats-to').fill('2022-12');
        await Promise.all([page.waitForURL(/from=2022-01/), page.getByTestId('stats-apply').click()]);
        assert.equal(await page.getByTestId('stat-put-forward').textContent(), '35');
        assert.equal(await page.getByTestId('stat-implemented').textContent(), '30');
        assert.equal(await page.getByTestId('stat-rate').textContent(), '85.71%');
        await page.waitForFunction(() => document.querySelectorAll('canvas[data-drawn="1"]').length === 1);
        await page.screenshot({ path: join(screenshots, `${backend}-proposal-stats-1280.png`), fullPage: true });
        const year = new Date().getFullYear();
        await page.getByTestId('rewards-from').fill(`${year}-01-01`);
        await page.getByTestId('rewards-to').fill(`${year}-12-31`);
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rewards-download').click()]);
        const csv = readFileSync(await download.path(), 'utf8');
        assert.ok(csv.includes('李明') && csv.includes('孙强'), csv);
        assert.ok(csv.includes('300.00') && csv.includes('200.00'), csv);
      });
    } finally {
      await ingot.stop();
    }
  });
}
