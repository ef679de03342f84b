// What leaves Ingot, in a real browser on a phone: a union clerk sets up a webhook from the menu,
// sends a test message that a receiver here gets, signed, and sees it delivered on the page;
// then asks for an e-mail per notification. The server runs its own sending loop (every second)
// and an SMTP server is configured (the one scripts/test starts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { backends, startIngot, launchBrowser, newPage, signIn, fitsWidth, accessibilityProblems } from './harness.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const SECRET = 'e2e-webhook-secret-0123456789';

/** A receiver of webhooks on a free port: every post, with its headers and body. */
async function receiver() {
  const posts = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { posts.push({ headers: req.headers, body }); res.end('{}'); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { posts, url: `http://127.0.0.1:${server.address().port}/hook`, close: () => server.close() };
}

for (const backend of backends()) {
  test(`${backend}: a webhook set up, tested and delivered; e-mail asked for`, async () => {
    assert.ok(process.env.INGOT_TEST_SMTP_URL, 'INGOT_TEST_SMTP_URL: run scripts/test, which starts an SMTP server');
    const hook = await receiver();
    const ingot = await startIngot(backend, { INGOT_OUTBOX_SECS: '1', INGOT_SMTP_URL: process.env.INGOT_TEST_SMTP_URL });
    const { page, context, problems } = await newPage(browser, { width: 375, bypassCSP: true });
    try {
      await signIn(page, ingot.base, 'ref.union', ingot.password);
      // From the phone's menu.
      await page.locator('details.mobile-only summary').click();
      await Promise.all([page.waitForURL(/\/webhooks$/), page.locator('details.mobile-only a[href="/webhooks"]').click()]);
      assert.deepEqual(await accessibilityProblems(page), []);
      // A wrong address is named under its input; what was typed stays.
      await page.getByTestId('webhook-name').fill('研发群推送');
      await page.getByTestId('webhook-url').evaluate((i) => { i.type = 'text'; });
      await page.getByTestId('webhook-url').fill('ftp://example.cn/hook');
      await page.getByTestId('webhook-secret').fill(SECRET);
      await page.locator('input[name=events][value=submitted]').check();
      await page.getByTestId('webhook-save').click();
      await page.getByTestId('error-url').waitFor();
      assert.equal(await page.getByTestId('webhook-name').inputValue(), '研发群推送');
      assert.ok(await page.locator('input[name=events][value=submitted]').isChecked());
      await page.getByTestId('webhook-url').fill(hook.url);
      await Promise.all([page.waitForURL(/\/webhooks\/\d+$/), page.getByTestId('webhook-save').click()]);
      assert.ok(await fitsWidth(page), 'the webhook page fits a phone');
      // A test message: the server's loop posts it within seconds, signed with the secret.
      await Promise.all([page.waitForURL(/\/webhooks\/\d+$/), page.getByTestId('webhook-ping').click()]);
      for (let i = 0; i < 100 && hook.posts.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(hook.posts.length, 1, 'the receiver got the test message');
      const { headers, body } = hook.posts[0];
      assert.equal(headers['x-ingot-event'], 'ping');
      const expected = createHmac('sha256', SECRET).update(`${headers['x-ingot-timestamp']}.${body}`).digest('hex');
      assert.equal(headers['x-ingot-signature'], `sha256=${expected}`);
      // Its page says it was delivered.
      for (let i = 0; i < 50; i++) {
        await page.reload();
        if (await page.getByTestId('delivery-done').count()) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await page.getByTestId('delivery-done').waitFor();
      assert.deepEqual(await accessibilityProblems(page), []);
      // An e-mail per notification, asked for on the notifications page.
      await page.goto(`${ingot.base}/notifications`);
      await page.getByTestId('mail-toggle').check();
      await Promise.all([page.waitForURL(/\/notifications$/), page.getByTestId('mail-form').getByRole('button').click()]);
      assert.ok(await page.getByTestId('mail-toggle').isChecked());
      assert.deepEqual(await accessibilityProblems(page), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await ingot.stop();
      hook.close();
    }
  });
}
