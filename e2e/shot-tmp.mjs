import { startIngot, launchBrowser, newPage, signIn } from './harness.mjs';
const ingot = await startIngot('sqlite');
const browser = await launchBrowser();
for (const [w, loc] of [[1280, 'zh-CN'], [1280, 'en-US']]) {
  const page = await newPage(browser, { width: w, locale: loc });
  await signIn(page, ingot.base, 'admin', ingot.password);
  await page.goto(ingot.base + '/');
  await page.screenshot({ path: `/tmp/shot-${w}-${loc}.png`, clip: { x: 0, y: 0, width: w, height: 120 } });
  await page.close();
}
await browser.close();
await ingot.stop();
process.exit(0);
