// Drives the reception console in Debian's headless Chromium (puppeteer-core); run by
// console_browser_test.cpp with a setup file (URL, the server key's SPKI pin, account,
// guests, output folder). Asks the test for each check-in by printing "PUSH <guest id>"
// and times how long the guest takes to appear on the open arrivals board; asks for a
// guest's pickup to move two hours back ("LATE <guest id>") and waits for them among the
// late guests. Exits non-zero on any failed check; prints what it measured.
import path from "node:path";
import { axeSource, browser, check, failures, openPage, setup } from "./browser_support.mjs";

async function axe(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of result.violations) {
    console.log(`AXE ${name} ${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }
  check(bad.length === 0, `${name}: axe found ${bad.length} serious or critical violations`);
}

async function shot(page, name) {
  // A catalog key on screen means a missing text.
  const raw = (await page.evaluate(() => document.body.innerText)).match(
    /\b(product|login|logout|nav|lang|event|role|arrivals|category|terminals|device|enroll|error)\.[a-z_]+/);
  check(raw === null, `${name}: untranslated ${raw && raw[0]}`);
  await page.screenshot({ path: path.join(setup.out, `${name}.png`), fullPage: true });
  await axe(page, name);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

try {
  const page = await openPage("en");
  page.on("dialog", (d) => d.accept());  // the revoke confirmation
  await page.goto(`${setup.url}/console/login`, { waitUntil: "load" });
  await shot(page, "login-en");
  await page.type("#name", setup.account);
  await page.type("#password", "wrong password");
  await submit(page, "button[type=submit]");
  check((await page.$eval(".error", (e) => e.textContent)).includes("not correct"),
    "a wrong password is told");
  await page.type("#password", setup.password);
  await submit(page, "main button[type=submit]");
  check(page.url().includes("/console/arrivals"), `signed in (at ${page.url()})`);
  await shot(page, "arrivals-en");

  // Check-ins while the board stays open: no reload (the marker survives), each timed.
  await page.evaluate(() => { window.boardMarker = 1; });
  const latencies = [];
  const count = Math.min(20, setup.guests.length);
  for (let i = 0; i < count; ++i) {
    const id = setup.guests[i];
    const started = Date.now();
    console.log(`PUSH ${id}`);
    await page.waitForSelector(`#arrived-body tr[data-guest="${id}"]`, { timeout: 5000 });
    latencies.push(Date.now() - started);
    // Spread over the poll's phase instead of always landing right after a poll.
    await new Promise((r) => setTimeout(r, 137 * (i % 7)));
  }
  check(await page.evaluate(() => window.boardMarker === 1), "the board did not reload");
  const announced = await page.$eval("#announce", (e) => e.textContent);
  check(/^Arrived: .*Guest 20/.test(announced), `screen readers hear new arrivals ("${announced}")`);
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`LATENCY ms: ${latencies.join(" ")}`);
  console.log(`LATENCY p50=${percentile(sorted, 50)} p95=${percentile(sorted, 95)} max=${sorted.at(-1)} n=${sorted.length}`);
  check(sorted.at(-1) <= 2000, `every check-in visible within 2 s (max ${sorted.at(-1)} ms)`);
  const arrived = await page.$eval('[data-count="arrived"]', (e) => Number(e.textContent));
  check(arrived === count, `the arrived count follows (${arrived})`);
  // A guest still out, whose pickup is now two hours ago ("LATE <id>": the test moves it),
  // turns up among the late guests while the board stays open.
  const lateId = setup.guests[count];
  console.log(`LATE ${lateId}`);
  await page.waitForSelector(`#late-body tr[data-late="${lateId}"]`, { timeout: 20000 });
  check(await page.evaluate(() => window.boardMarker === 1), "the board did not reload for late");
  const late = await page.$eval('[data-count="late"]', (e) => Number(e.textContent));
  check(late >= 1, `the late count follows (${late})`);
  await shot(page, "arrivals-live-en");

  await Promise.all([page.waitForNavigation(), page.click('nav a[href^="/console/terminals"]')]);
  const terminals = await page.content();
  check(terminals.includes("Out of paper"), "the terminal without paper says so");
  await shot(page, "terminals-en");
  await submit(page, `button[aria-label="Revoke ${setup.revoke}"]`);
  check((await page.$eval(".notice", (e) => e.textContent)).includes("revoked"), "revoked notice");
  await shot(page, "terminals-revoked-en");

  await page.type("#terminal", "lobby-9");
  await submit(page, "form[action='/console/terminals/enroll'] button");
  const code = await page.$eval("#enroll-code", (e) => e.textContent);
  check(/^[A-Z0-9-]{8,}$/.test(code), `an enrollment code is shown (${code})`);
  check((await page.$("svg[role=img]")) !== null, "with its QR code");
  await shot(page, "enroll-en");

  // The language switch: the account's setting, kept for its next pages.
  await submit(page, 'button[name="lang"][value="zh-CN"]');
  check((await page.$eval("html", (e) => e.lang)) === "zh-CN", "switched to zh-CN");
  await shot(page, "terminals-zh");
  await page.goto(`${setup.url}/console/arrivals`, { waitUntil: "load" });
  check((await page.content()).includes("到场情况"), "arrivals in Chinese");
  await shot(page, "arrivals-zh");
  await page.goto(`${setup.url}/console/terminals`, { waitUntil: "load" });
  await page.type("#terminal", "lobby-8");
  await submit(page, "form[action='/console/terminals/enroll'] button");
  await shot(page, "enroll-zh");
  await submit(page, 'form[action="/console/logout"] button');
  check(page.url().includes("/console/login"), "signed out");

  const zh = await openPage("zh");
  zh.on("dialog", (d) => d.accept());
  await zh.goto(`${setup.url}/console/login`, { waitUntil: "load" });
  check((await zh.$eval("html", (e) => e.lang)) === "zh-CN", "login follows Accept-Language");
  await shot(zh, "login-zh");
} catch (e) {
  check(false, `browser run: ${e.stack}`);
} finally {
  await browser.close();
}
console.log(failures.length === 0 ? "OK" : `${failures.length} failure(s)`);
process.exit(failures.length === 0 ? 0 : 1);
