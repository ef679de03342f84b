// A titling campaign in a real browser: the Liaoning federation calls for the province's
// technical innovation experts (the title and its level named in the call); a Dalian union
// declares one of its people on a phone (375 px); the experts see that person's records on the
// scoring page; once announced, the winner holds the title on their records page, linked to
// the award's certificate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { backends, startIngot, launchBrowser, newPage, signIn, fitsWidth, screenshots } from './harness.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const CALL = '2025年辽宁省职工技术创新能手评选';
const TITLE = '辽宁省职工技术创新能手';
const PERSON = '刘刚';

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

for (const backend of backends()) {
  test(`a titles campaign: the winner holds the title (${backend})`, async () => {
    const ingot = await startIngot(backend);
    const { base } = ingot;
    try {
      let campaign;
      // The call names the title it confers and its level.
      await as(ingot, 'ln.admin', 1280, async (page) => {
        await page.goto(`${base}/campaigns/new`);
        await page.getByTestId('campaign-kind').selectOption('titles');
        await page.getByTestId('campaign-title').fill(CALL);
        await page.getByTestId('campaign-year').fill('2025');
        await page.getByTestId('campaign-units').fill('CN-LN-DL-GJZ: 2');
        for (const [id, date] of [['declaration-closes', '2025-03-31'], ['check-closes', '2025-04-30'], ['review-closes', '2025-05-31'], ['announce-on', '2025-06-30']]) {
          await page.getByTestId(`campaign-${id}`).fill(date);
        }
        await page.getByTestId('campaign-k').fill('2');
        await page.getByTestId('campaign-max-load').fill('3');
        await page.getByTestId('campaign-rubric').fill('创新能力: 60\n示范作用: 40');
        await page.getByTestId('campaign-first').fill('1');
        // Without the title's level: the form again, the problem under the level.
        await page.getByTestId('campaign-title-name').fill(TITLE);
        await page.getByTestId('campaign-submit').click();
        await page.getByTestId('campaign-form').waitFor();
        assert.ok(await page.locator('#title_level ~ .field-error').count() > 0, 'the level is required');
        await page.getByTestId('campaign-title-level').selectOption('provincial');
        await click(page, 'campaign-submit', /\/campaigns\/\d+$/);
        assert.match(await page.getByTestId('campaign-title-conferred').textContent(), new RegExp(TITLE));
        campaign = new URL(page.url()).pathname;
      });

      // The machinery works' union declares one of its people from a phone.
      let person;
      await as(ingot, 'dl.union', 375, async (page) => {
        await page.goto(`${base}${campaign}`);
        const value = await page.getByTestId('declare-record').evaluate(
          (el, p) => [...el.options].find((o) => o.textContent.trim().startsWith(p))?.value,
          PERSON,
        );
        assert.ok(value, `${PERSON} offered`);
        await page.getByTestId('declare-record').selectOption(value);
        await click(page, 'declare-submit', /\/campaigns\/\d+$/);
        assert.equal(await page.getByTestId('declaration-row').count(), 1);
        person = (await page.getByTestId('declaration-record').getAttribute('href')).split('/').pop();
        assert.equal(person, value);
        assert.ok(await fitsWidth(page));
      });

      // Formal check, the panel and the assignment.
      await as(ingot, 'ln.admin', 1280, async (page) => {
        await page.goto(`${base}${campaign}`);
        await click(page, 'campaign-advance', /\/campaigns\/\d+$/);
        await click(page, 'check-accept', /\/campaigns\/\d+$/);
        await click(page, 'campaign-advance', /\/campaigns\/\d+$/);
        await click(page, 'link-experts', /\/experts$/);
        for (const [username, fields] of [['expert.wang', '冶金,材料'], ['expert.zhao', '信息技术']]) {
          await page.getByTestId('expert-username').fill(username);
          await page.getByTestId('expert-fields').fill(fields);
          // The page is at /experts already: wait for the page the form answers with.
          await Promise.all([
            page.waitForResponse((r) => r.request().method() === 'GET' && /\/experts$/.test(r.url())),
            page.getByTestId('expert-submit').click(),
          ]);
          await page.waitForLoadState('load');
        }
        assert.equal(await page.getByTestId('panel-row').count(), 2);
        await page.goto(`${base}${campaign}/assignment`);
        await click(page, 'assignment-run', /\/assignment$/);
        assert.equal(await page.getByTestId('assignment-row').count(), 1);
      });

      // The experts score on a phone, reading the person's records.
      for (const username of ['expert.wang', 'expert.zhao']) {
        await as(ingot, username, 375, async (page) => {
          await page.goto(`${base}${campaign}/review`);
          assert.ok(await page.getByTestId('review-held').locator('li').count() > 0, 'the person\'s records listed');
          const marks = page.getByTestId('score-mark');
          for (let m = 0; m < await marks.count(); m++) await marks.nth(m).fill('9');
          await Promise.all([page.waitForURL(/\/review$/), page.getByTestId('score-submit').click()]);
          assert.equal(await page.getByTestId('review-total').count(), 1);
          assert.ok(await fitsWidth(page), 'the scoring page fits a 375 px screen');
          if (username === 'expert.wang') await page.screenshot({ path: join(screenshots, `${backend}-titles-scoring-375.png`), fullPage: true });
        });
      }

      // The decision, publicity, and the announcement.
      await as(ingot, 'ln.admin', 1280, async (page) => {
        await page.goto(`${base}${campaign}/results`);
        await page.getByTestId('decision-note').fill('按得分确定。');
        await click(page, 'decision-submit', /\/results$/);
        await page.getByTestId('publicity-start').fill(day(-6));
        await page.getByTestId('publicity-days').fill('7');
        await click(page, 'publicity-submit', /\/publicity$/);
        await page.getByTestId('announce-number').fill('辽工发〔2025〕3号');
        await page.getByTestId('announce-date').fill(day(1));
        await click(page, 'announce-submit', /\/announcement$/);
      });

      // The winner holds the title: their records page lists it with the certificate.
      await as(ingot, 'dl.union', 375, async (page) => {
        await page.goto(`${base}/records/people/${person}`);
        assert.match(await page.getByTestId('holdings-titles').textContent(), new RegExp(`${TITLE} · 辽宁省总工会 · 2025`));
        await click(page, 'title-certificate', /\/certificates\/\d+$/);
        assert.equal(await page.getByTestId('certificate-tier').textContent(), '一等奖');
        assert.ok(await fitsWidth(page));
      });
    } finally {
      await ingot.stop();
    }
  });
}
