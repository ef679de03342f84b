// A small award campaign in a real browser, from the call to the published results: the Inner
// Mongolia federation issues it, declares three records (attached, not retyped) and checks them,
// builds the expert panel and runs the optimal assignment; three experts score on a phone
// (375 px); the results show raw and calibrated scores and the panel records its decision; the
// public publicity page takes an objection without signing in; staff record the outcome and
// announce with a notice number; the certificate and the ranking of units are public.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { backends, startIngot, launchBrowser, newPage, signIn, fitsWidth, screenshots } from './harness.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const TITLE = '2025年自治区职工技术创新成果评选';
const RECORDS = [
  '万吨级轻稀土碳酸盐连续化生产工艺研究及产业化',
  '分布式内存数据库技术研究',
  '年产2000吨低成本散热膜用氧化石墨烯前驱体',
];

/** A day in China Standard Time, `offset` days from today, as YYYY-MM-DD. */
function day(offset = 0) {
  return new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
}

async function as(ingot, username, width, work) {
  const { page, context, problems } = await newPage(browser, { width });
  try {
    if (username) await signIn(page, ingot.base, username, ingot.password);
    await work(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
}

async function click(page, testid, urlPattern) {
  await Promise.all([page.waitForURL(urlPattern), page.getByTestId(testid).first().click()]);
}

/** Selects the option whose text starts with `prefix`. */
async function selectStarting(page, testid, prefix) {
  const value = await page.getByTestId(testid).evaluate(
    (el, p) => [...el.options].find((o) => o.textContent.trim().startsWith(p))?.value,
    prefix,
  );
  assert.ok(value, `an option starting with ${prefix}`);
  await page.getByTestId(testid).selectOption(value);
}

for (const backend of backends()) {
  test(`a campaign from call to published results and unit ranking (${backend})`, async () => {
    const ingot = await startIngot(backend);
    const { base } = ingot;
    try {
      let campaign;
      // The call, with a mistake first: the rubric's weights must add up to 100.
      await as(ingot, 'nm.admin', 1280, async (page) => {
        await page.goto(`${base}/campaigns`);
        await click(page, 'campaign-new', /\/campaigns\/new$/);
        await page.getByTestId('campaign-title').fill(TITLE);
        await page.getByTestId('campaign-year').fill('2025');
        await page.getByTestId('campaign-min-year').fill('2023');
        await page.getByTestId('campaign-units').fill('CN-NM-BT: 2\nCN-NM-HH: 2\nCN-NM-QM: 1');
        for (const [id, date] of [['declaration-closes', '2025-03-31'], ['check-closes', '2025-04-30'], ['review-closes', '2025-05-31'], ['announce-on', '2025-06-30']]) {
          await page.getByTestId(`campaign-${id}`).fill(date);
        }
        await page.getByTestId('campaign-k').fill('2');
        await page.getByTestId('campaign-max-load').fill('3');
        await page.getByTestId('campaign-rubric').fill('创新性: 50\n效益: 40');
        await page.getByTestId('campaign-first').fill('1');
        await page.getByTestId('campaign-second').fill('1');
        await page.getByTestId('campaign-third').fill('1');
        await page.getByTestId('campaign-submit').click();
        await page.getByTestId('campaign-form').waitFor();
        assert.match(await page.locator('.field-error').first().textContent(), /100/);
        await page.getByTestId('campaign-rubric').fill('创新性: 50\n效益: 30\n推广价值: 20');
        await click(page, 'campaign-submit', /\/campaigns\/\d+$/);
        assert.equal(await page.getByTestId('campaign-heading').textContent(), TITLE);
        assert.equal(await page.getByTestId('campaign-stage').textContent(), '申报');
        campaign = new URL(page.url()).pathname;

        // Declaring: nothing chosen is refused; then three records attached.
        await page.getByTestId('declare-submit').click();
        await page.getByTestId('declare-error').waitFor();
        for (const title of RECORDS) {
          await selectStarting(page, 'declare-record', title);
          await click(page, 'declare-submit', /\/campaigns\/\d+$/);
        }
        assert.equal(await page.getByTestId('declaration-row').count(), 3);
        await click(page, 'campaign-advance', /\/campaigns\/\d+$/);
        assert.equal(await page.getByTestId('campaign-stage').textContent(), '形式审查');
        for (let i = 0; i < 3; i++) await click(page, 'check-accept', /\/campaigns\/\d+$/);
        assert.deepEqual(await page.getByTestId('declaration-status').allTextContents(), ['已通过', '已通过', '已通过']);
        await click(page, 'campaign-advance', /\/campaigns\/\d+$/);
        assert.equal(await page.getByTestId('campaign-stage').textContent(), '专家评审');

        // The panel, its conflicts, and the optimal assignment.
        await click(page, 'link-experts', /\/experts$/);
        for (const [username, fields] of [['expert.li', '冶金,稀土冶炼'], ['expert.wang', '稀土冶炼,材料'], ['expert.zhao', '信息技术,数据库']]) {
          await page.getByTestId('expert-username').fill(username);
          await page.getByTestId('expert-fields').fill(fields);
          await click(page, 'expert-submit', /\/experts$/);
        }
        assert.equal(await page.getByTestId('panel-row').count(), 3);
        await page.goto(`${base}${campaign}/assignment`);
        await click(page, 'assignment-run', /\/assignment$/);
        assert.equal(await page.getByTestId('assignment-row').count(), 3);
        assert.match(await page.getByTestId('assignment-objective').textContent(), /\d+/);
        await page.screenshot({ path: join(screenshots, `${backend}-campaign-assignment-1280.png`), fullPage: true });
      });

      // Each expert scores on a phone; the harsh one marks lower.
      for (const [username, mark] of [['expert.li', '6'], ['expert.wang', '9'], ['expert.zhao', '8']]) {
        await as(ingot, username, 375, async (page) => {
          await page.goto(`${base}${campaign}/review`);
          const items = await page.getByTestId('review-item').count();
          for (let i = 0; i < items; i++) {
            const form = page.getByTestId('score-form').nth(i);
            const marks = form.getByTestId('score-mark');
            for (let m = 0; m < await marks.count(); m++) await marks.nth(m).fill(mark);
            await form.getByTestId('score-comment').fill('材料完整，效益数据可信。');
            await Promise.all([page.waitForURL(/\/review$/), form.getByTestId('score-submit').click()]);
          }
          assert.equal(await page.getByTestId('review-total').count(), items);
          assert.ok(await fitsWidth(page), 'the scoring page fits a 375 px screen');
          if (username === 'expert.li') await page.screenshot({ path: join(screenshots, `${backend}-campaign-scoring-375.png`), fullPage: true });
        });
      }

      // Results: raw and calibrated side by side; the panel decides; publicity opens.
      await as(ingot, 'nm.admin', 1280, async (page) => {
        await page.goto(`${base}${campaign}/results`);
        assert.match(await page.getByTestId('calibration-method').textContent(), /最小二乘/);
        assert.equal(await page.getByTestId('result-row').count(), 3);
        const raw = await page.getByTestId('raw-scores').first().textContent();
        const calibrated = await page.getByTestId('calibrated-scores').first().textContent();
        assert.notEqual(raw, calibrated, 'calibration moves the lenient and harsh reviewers');
        await page.getByTestId('decision-note').fill('按校准得分确定等级。');
        await click(page, 'decision-submit', /\/results$/);
        assert.equal(await page.getByTestId('final-tier').count(), 3);
        await page.screenshot({ path: join(screenshots, `${backend}-campaign-results-1280.png`), fullPage: true });
        await page.getByTestId('publicity-start').fill(day(-6));
        await page.getByTestId('publicity-days').fill('7');
        await click(page, 'publicity-submit', /\/publicity$/);
      });

      // The public page, without signing in: an objection needs contact details.
      await as(ingot, null, 375, async (page) => {
        await page.goto(`${base}${campaign}/publicity`);
        assert.equal(await page.getByTestId('publicity-row').count(), 3);
        await page.getByTestId('objection-name').fill('王某');
        await page.getByTestId('objection-text').fill('申报效益数据需要核实。');
        await page.getByTestId('objection-submit').click();
        await page.getByTestId('objection-error').waitFor();
        await page.getByTestId('objection-contact').fill('13800000000');
        await click(page, 'objection-submit', /\/publicity$/);
        // Two more of the same: a flood that staff dismiss together below.
        for (const name of ['李某', '赵某']) {
          await page.getByTestId('objection-name').fill(name);
          await page.getByTestId('objection-contact').fill('13900000000');
          await page.getByTestId('objection-text').fill('同一项目，申报效益数据需要核实。');
          await click(page, 'objection-submit', /\/publicity$/);
        }
        assert.ok(await fitsWidth(page));
        await page.screenshot({ path: join(screenshots, `${backend}-campaign-publicity-375.png`), fullPage: true });
      });

      // Staff investigate, record the outcome, and announce with a notice number.
      await as(ingot, 'nm.admin', 1280, async (page) => {
        await page.goto(`${base}${campaign}/publicity`);
        assert.equal(await page.getByTestId('objection-item').count(), 3);
        await page.getByTestId('outcome-text').first().fill('经核实，效益数据有财务证明。');
        await click(page, 'outcome-submit', /\/publicity$/);
        // The other two at once, with one outcome.
        assert.equal(await page.getByTestId('bulk-dismiss-pick').count(), 2);
        for (const pick of await page.getByTestId('bulk-dismiss-pick').all()) await pick.check();
        await page.getByTestId('bulk-dismiss-outcome').fill('与已处理的异议相同，经核实不成立。');
        await click(page, 'bulk-dismiss-submit', /\/publicity$/);
        const statuses = await page.getByTestId('objection-status').allTextContents();
        assert.deepEqual(statuses, ['异议不成立', '异议不成立', '异议不成立']);
        await page.screenshot({ path: join(screenshots, `${backend}-campaign-objections-1280.png`), fullPage: true });
        await page.getByTestId('announce-number').fill('内工发〔2025〕8号');
        await page.getByTestId('announce-date').fill(day(1));
        await click(page, 'announce-submit', /\/announcement$/);
      });

      // The announcement, a certificate and the ranking are public.
      await as(ingot, null, 1280, async (page) => {
        await page.goto(`${base}${campaign}/announcement`);
        assert.equal(await page.getByTestId('notice-number').textContent(), '内工发〔2025〕8号');
        assert.equal(await page.getByTestId('certificate-link').count(), 3);
        await click(page, 'certificate-link', /\/certificates\/\d+$/);
        assert.equal(await page.getByTestId('certificate-tier').textContent(), '一等奖');
        await page.emulateMedia({ media: 'print' });
        assert.equal(await page.locator('header').first().isVisible(), false, 'print hides the header');
        await page.emulateMedia({ media: 'screen' });
        await page.goto(`${base}${campaign}/ranking`);
        assert.equal(await page.getByTestId('ranking-row').count(), 3);
        await page.screenshot({ path: join(screenshots, `${backend}-campaign-ranking-1280.png`), fullPage: true });
      });

      // The 2023 national exchange of the demo: Inner Mongolia among the top of 34 units.
      await as(ingot, null, 375, async (page) => {
        await page.goto(`${base}/campaigns`);
        await page.getByRole('link', { name: '第七届全国职工优秀技术创新成果交流活动' }).click();
        await page.getByTestId('link-ranking').click();
        await page.getByTestId('ranking-table').waitFor();
        assert.equal(await page.getByTestId('ranking-row').count(), 34);
        const units = await page.getByTestId('ranking-unit').allTextContents();
        assert.ok(units.slice(0, 3).includes('内蒙古自治区总工会'), units.slice(0, 5).join(', '));
        assert.ok(await fitsWidth(page));
      });
    } finally {
      await ingot.stop();
    }
  });
}
