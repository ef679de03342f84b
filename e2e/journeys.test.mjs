// Real-browser journeys in headless Chromium, on every database the suite runs on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { backends, startIngot, launchBrowser, newPage, signIn, fitsWidth, screenshots } from './harness.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

for (const backend of backends()) {
  test(`${backend}: sign in, switch language, browse to the studio's company, see it audited, sign out`, async () => {
    const ingot = await startIngot(backend);
    const { page, context, problems } = await newPage(browser, { width: 1280 });
    try {
      const base = ingot.base;
      await page.goto(base);
      await page.getByTestId('landing-sign-in').waitFor();
      await signIn(page, base, 'admin', ingot.password);

      // The dashboard, in Chinese (the browser's language), with its charts drawn: the year's
      // proposals by month, the fortnight's activity, the organisations by kind.
      assert.equal(await page.getByTestId('dashboard-title').textContent(), '工作台');
      await page.waitForFunction(() => document.querySelectorAll('canvas[data-drawn="1"]').length === 3);
      // 23 organisations of the foundation's demo, the 32 stand-in units of the 2023 exchange and
      // the Breakthrough project's 256 external institutions.
      assert.match(await page.getByTestId('stat-orgs').textContent(), /311/);
      await page.screenshot({ path: join(screenshots, `${backend}-dashboard-zh-1280.png`), fullPage: true });

      // Switch to English and back to Chinese; the choice is kept.
      await Promise.all([page.waitForURL(`${base}/`), page.getByTestId('lang-switch').click()]);
      assert.equal(await page.getByTestId('dashboard-title').textContent(), 'Dashboard');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.reload();
      assert.equal(await page.getByTestId('dashboard-title').textContent(), 'Dashboard');
      await Promise.all([page.waitForURL(`${base}/`), page.getByTestId('lang-switch').click()]);
      assert.equal(await page.getByTestId('dashboard-title').textContent(), '工作台');

      // Browse the tree: expand nodes in place (htmx), then follow the links.
      await page.getByTestId('nav-more').click();
      await page.getByTestId('nav-orgs').click();
      await page.getByTestId('org-tree').waitFor();
      for (const code of ['CN', 'CN-LN', 'CN-LN-JZ']) {
        const node = page.locator(`[data-testid=tree-node][data-code="${code}"]`).first();
        await node.getByTestId('tree-toggle').first().click();
        await node.locator('ul [data-testid=tree-node]').first().waitFor();
      }
      await page.screenshot({ path: join(screenshots, `${backend}-tree-1280.png`), fullPage: true });
      await Promise.all([
        page.waitForURL(/\/orgs\/\d+$/),
        page.locator('[data-testid=tree-node][data-code="CN-LN-JZ-REF"] > .node [data-testid=tree-link]').click(),
      ]);
      assert.equal(await page.getByTestId('org-name').textContent(), '锦州冶金耐火材料有限公司');
      const crumbs = await page.getByTestId('breadcrumb').textContent();
      for (const name of ['中华全国总工会', '辽宁省总工会', '锦州市总工会']) assert.ok(crumbs.includes(name), name);
      assert.ok((await page.getByTestId('org-children').textContent()).includes('技术中心'));
      await page.screenshot({ path: join(screenshots, `${backend}-company-1280.png`), fullPage: true });

      // Rename a department; then see every action in the audit log.
      await page.getByTestId('child-link').filter({ hasText: '窑炉车间' }).click();
      await page.getByTestId('rename-name').fill('窑炉一车间');
      await Promise.all([page.waitForURL(/\/orgs\/\d+$/), page.getByTestId('rename-submit').click()]);
      assert.equal(await page.getByTestId('org-name').textContent(), '窑炉一车间');
      assert.ok((await page.getByTestId('flash').textContent()).includes('已更名'));
      await page.getByTestId('nav-more').click();
      await page.getByTestId('nav-audit').click();
      const actions = await page.locator('[data-testid=audit-row]').evaluateAll((rows) => rows.map((r) => r.dataset.action));
      for (const action of ['org.rename', 'user.set_language', 'auth.sign_in']) assert.ok(actions.includes(action), `${action} in ${actions}`);
      const renamed = page.locator('[data-testid=audit-row][data-action="org.rename"]').first();
      assert.ok((await renamed.textContent()).includes('窑炉一车间'));
      await page.screenshot({ path: join(screenshots, `${backend}-audit-1280.png`), fullPage: true });

      // Sign out: back to the public page; the pages need signing in again.
      await Promise.all([page.waitForURL(`${base}/`), page.getByTestId('sign-out').click()]);
      assert.ok((await page.getByTestId('flash').textContent()).includes('已退出'));
      await page.goto(`${base}/orgs`);
      await page.getByTestId('login-form').waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await ingot.stop();
    }
  });

  test(`${backend}: on a phone, a union adds a department, fixing a mistake first`, async () => {
    const ingot = await startIngot(backend);
    const { page, context, problems } = await newPage(browser, { width: 375, height: 740 });
    try {
      const base = ingot.base;
      // A wrong password first: a clear message, nothing else.
      await page.goto(`${base}/login`);
      await page.getByTestId('login-username').fill('ref.union');
      await page.getByTestId('login-password').fill('wrong password');
      await page.getByTestId('login-submit').click();
      assert.ok((await page.getByTestId('login-error').textContent()).includes('用户名或密码错误'));
      await signIn(page, base, 'ref.union', ingot.password);
      assert.ok(await fitsWidth(page), 'the dashboard fits a phone');
      await page.screenshot({ path: join(screenshots, `${backend}-dashboard-375.png`), fullPage: true });

      await page.getByTestId('dashboard-root').first().click();
      assert.equal(await page.getByTestId('org-name').textContent(), '锦州冶金耐火材料有限公司');
      assert.ok(await fitsWidth(page), 'the organisation page fits a phone');
      await page.getByTestId('org-add-child').click();
      await page.getByTestId('org-code-input').fill('REF-QC');
      await page.getByTestId('org-kind-input').selectOption('department');
      await page.getByTestId('org-submit').click();
      // The browser's own check stops an empty name; bypass it to see the server's answer.
      await page.getByTestId('org-name-input').evaluate((el) => el.removeAttribute('required'));
      await page.getByTestId('org-submit').click();
      assert.ok((await page.getByTestId('error-name').textContent()).includes('不能为空'));
      assert.equal(await page.getByTestId('org-code-input').inputValue(), 'REF-QC', 'what was typed is kept');
      await page.screenshot({ path: join(screenshots, `${backend}-form-error-375.png`), fullPage: true });
      await page.getByTestId('org-name-input').fill('质检部');
      await Promise.all([page.waitForURL(/\/orgs\/\d+$/), page.getByTestId('org-submit').click()]);
      assert.equal(await page.getByTestId('org-name').textContent(), '质检部');
      assert.ok(await fitsWidth(page));
      await page.screenshot({ path: join(screenshots, `${backend}-created-375.png`), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await ingot.stop();
    }
  });
}
