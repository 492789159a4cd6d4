// Benchmark, not a test: time from navigation to the dashboard drawn with data (the Requests tile filled and
// the first chart painted) for the console served by a running gateway. Prints one line per run.
//   npm start   # in another terminal; then, with its admin token:
//   npx tsx console/scripts/first-render.ts http://127.0.0.1:8080 <admin token> [runs]
import { chromium } from 'playwright-core';

const [base = 'http://127.0.0.1:8080', token, runs = '5'] = process.argv.slice(2);
if (!token) throw new Error('usage: first-render.ts <gateway url> <admin token> [runs]');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const times: number[] = [];
for (let i = 0; i < Number(runs); i++) {
  // A new context each run: a cold cache, as a first visit.
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  const started = Date.now();
  await page.goto(`${base}/console/dashboard#token=${token}`);
  await page
    .getByTestId('total-requests')
    .filter({ hasText: /^\d[\d,]*$/ })
    .waitFor();
  await page.locator('.chart canvas').first().waitFor();
  times.push(Date.now() - started);
  await page.context().close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(
  `first render of /console/dashboard: runs ${times.join(', ')} ms; median ${times[times.length >> 1]} ms`,
);
