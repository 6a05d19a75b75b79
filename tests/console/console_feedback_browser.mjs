// Drives the console's feedback queue in Debian's headless Chromium (puppeteer-core); run by
// console_browser_test.cpp with a setup file. One request is already overdue when the page
// opens; the script asks the test for a new complaint ("REPORT"), which a terminal makes and
// its sync engine pushes, and waits for a second request to appear without a reload. Then it assigns,
// answers and closes it with a note, opens the daily summary, switches to zh-CN, and
// screenshots and axe-checks every page. Exits non-zero on any failed check.
import path from "node:path";
import { axeSource, browser, check, failures, openPage, setup } from "./browser_support.mjs";

async function shot(page, name) {
  const raw = (await page.evaluate(() => document.body.innerText)).match(
    /\b(nav|feedback|summary|arrivals|error|role|event)\.[a-z_.]+/);
  check(raw === null, `${name}: untranslated ${raw && raw[0]}`);
  await page.screenshot({ path: path.join(setup.out, `${name}.png`), fullPage: true });
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ["violations"] }));
  for (const v of result.violations) {
    console.log(`AXE ${name} ${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `${name}: axe found ${bad.length} serious or critical violations`);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
}

const card = (id) => `li[data-feedback="${id}"]`;

try {
  const page = await openPage();
  await page.goto(`${setup.url}/console/login`, { waitUntil: "load" });
  await page.type("#name", setup.account);
  await page.type("#password", setup.password);
  await submit(page, "main button[type=submit]");
  await Promise.all([page.waitForNavigation(), page.click('nav a[href^="/console/feedback"]')]);
  check(page.url().includes("/console/feedback"), `the queue opens (${page.url()})`);
  const overdue = await page.$$eval("li.request.overdue", (l) => l.map((e) => e.dataset.feedback));
  check(overdue.length === 1 && overdue[0] === setup.overdue, `the old request is overdue (${overdue})`);
  check((await page.$eval(`${card(setup.overdue)} .clock`, (e) => e.textContent)).includes("Overdue"),
    "overdue is said in words");

  // A complaint made at the terminal appears while the queue stays open.
  await page.evaluate(() => { window.queueMarker = 1; });
  const started = Date.now();
  console.log("REPORT");
  const fresh = setup.shown.map((s) => `:not([data-feedback="${s}"])`).join("");
  await page.waitForSelector(`li.request${fresh}`, { timeout: 8000 });
  const id = await page.$eval(`li.request${fresh}`, (e) => e.dataset.feedback);
  console.log(`LATENCY complaint visible after ${Date.now() - started} ms`);
  check(await page.evaluate(() => window.queueMarker === 1), "the queue did not reload");
  const words = await page.$eval(`${card(id)} blockquote`, (e) => e.textContent);
  check(words === setup.words, `the guest's words as text ("${words}")`);
  check((await page.$(`${card(id)} blockquote b`)) === null, "markup in the words is not markup");
  const announced = await page.$eval("#announce", (e) => e.textContent);
  check(announced.startsWith("New request"), `screen readers hear it ("${announced}")`);
  await shot(page, "feedback-en");

  await submit(page, `${card(id)} form[action="/console/feedback/assign"]:not(.inline) button`);
  check((await page.$eval(`${card(id)} .assignee`, (e) => e.textContent)) === setup.account,
    "assigned to me");
  check((await page.$eval(".notice", (e) => e.textContent)).includes("Assigned"), "assign notice");
  await submit(page, `${card(id)} form[action="/console/feedback/answer"] button`);
  check((await page.$eval(`${card(id)} .clock`, (e) => e.textContent)).includes("in time"),
    "answered in time");
  await shot(page, "feedback-answered-en");
  await page.type(`${card(id)} textarea[name="note"]`, setup.note);
  await submit(page, `${card(id)} form[action="/console/feedback/close"] button`);
  check((await page.$(card(id))) === null, "a closed request leaves the open queue");
  await Promise.all([page.waitForNavigation(), page.click('nav.filters a[href*="filter=closed"]')]);
  check((await page.$eval(`${card(id)} .note`, (e) => e.textContent)).includes(setup.note),
    "the closing note is shown");
  await shot(page, "feedback-closed-en");

  await Promise.all([page.waitForNavigation(), page.click('a[href^="/console/feedback/summary"]')]);
  check((await page.$eval("[data-kind=complaint]", (e) => e.textContent)) === "2", "two complaints today");
  await shot(page, "summary-en");
  await page.emulateMediaType("print");
  await page.screenshot({ path: path.join(setup.out, "summary-print-en.png"), fullPage: true });
  check(await page.$eval("header.top", (e) => getComputedStyle(e).display === "none"),
    "the printed summary has no navigation");
  await page.emulateMediaType("screen");

  await submit(page, 'button[name="lang"][value="zh-CN"]');
  check((await page.$eval("html", (e) => e.lang)) === "zh-CN", "switched to zh-CN");
  await shot(page, "summary-zh");
  await page.goto(`${setup.url}/console/feedback?event=${setup.event}`, { waitUntil: "load" });
  check((await page.content()).includes("已超时"), "overdue in Chinese");
  await shot(page, "feedback-zh");
  await page.goto(`${setup.url}/console/feedback?event=${setup.event}&filter=closed`, { waitUntil: "load" });
  await shot(page, "feedback-closed-zh");
} catch (e) {
  check(false, `browser run: ${e.stack}`);
} finally {
  await browser.close();
}
console.log(failures.length === 0 ? "OK" : `${failures.length} failure(s)`);
process.exit(failures.length === 0 ? 0 : 1);
