// Drives the console's flags pages in Debian's headless Chromium (puppeteer-core); run by
// console_flags_browser_test.cpp with a setup file naming the flags real terminals made. A
// supervisor opens the flags from the nav (with its count), opens the second admission, sees
// both records side by side with the differing fields marked in words, resolves it with a
// decision and a note, and finds it under "resolved"; then zh-CN. Every page is screenshot and
// axe-checked. Exits non-zero on any failed check.
import path from "node:path";
import { axeSource, browser, check, failures, openPage, setup } from "./browser_support.mjs";

async function shot(page, name) {
  const raw = (await page.evaluate(() => document.body.innerText)).match(
    /\b(nav|flags|arrivals|error|role|event)\.[a-z_.]+/);
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

const openRow = (id) => `#open-flags ~ section tr[data-flag="${id}"]`;

try {
  const page = await openPage();
  await page.goto(`${setup.url}/console/login`, { waitUntil: "load" });
  await page.type("#name", setup.account);
  await page.type("#password", setup.password);
  await submit(page, "main button[type=submit]");
  const navCount = await page.$eval('nav a[href^="/console/flags"] .count', (e) => e.textContent);
  check(navCount === "3", `the nav counts three open flags (${navCount})`);
  await Promise.all([page.waitForNavigation(), page.click('nav a[href^="/console/flags"]')]);
  check(page.url().includes("/console/flags"), `the flags open (${page.url()})`);
  for (const id of [setup.second, setup.skewed, setup.conflict]) {
    check((await page.$(openRow(id))) !== null, `flag ${id} is open`);
  }
  await shot(page, "flags-en");

  // The second admission, side by side with the admission that counts.
  await submit(page, `${openRow(setup.second)} a`);
  const header = await page.$$eval("table.compare thead th", (l) => l.map((e) => e.textContent));
  check(header.includes("Flagged check-in") && header.includes("Admission that counts"),
    `both records side by side (${header})`);
  const differing = await page.$$eval("table.compare tr.differs th", (l) => l.map((e) => e.textContent));
  check(differing.includes("Terminal (as recorded)") && differing.includes("Sending device"),
    `the terminals differ (${differing})`);
  const words = await page.$$eval("table.compare tr.differs td:last-child", (l) => l.map((e) => e.textContent));
  check(words.length > 0 && words.every((w) => w === "differs"), `said in words (${words})`);
  await shot(page, "flag-en");

  // Submitting without a note is stopped by the browser (required): nothing is sent.
  await page.click("#decision-reentry");
  await page.click("form.resolve button[type=submit]");
  check(await page.$eval("#note", (e) => !e.validity.valid), "the note is required");
  await page.type("#note", setup.note);
  await submit(page, "form.resolve button[type=submit]");
  check((await page.$eval(".notice", (e) => e.textContent)).includes("recorded"), "the decision is recorded");
  check((await page.$(openRow(setup.second))) === null, "a resolved flag leaves the open list");
  const resolved = await page.$eval(`#resolved tr[data-flag="${setup.second}"]`, (e) => e.textContent);
  check(resolved.includes(setup.note) && resolved.includes(setup.account) && resolved.includes("re-entry"),
    `under resolved with who, decision and note (${resolved})`);
  check((await page.$eval('nav a[href^="/console/flags"] .count', (e) => e.textContent)) === "2",
    "the nav counts two");
  await shot(page, "flags-resolved-en");

  await submit(page, 'button[name="lang"][value="zh-CN"]');
  check((await page.$eval("html", (e) => e.lang)) === "zh-CN", "switched to zh-CN");
  check((await page.content()).includes("重复入场"), "the kinds in Chinese");
  await shot(page, "flags-zh");
  await submit(page, `${openRow(setup.conflict)} a`);
  check((await page.$$eval("table.compare tr.differs td:last-child", (l) => l.map((e) => e.textContent)))
    .includes("不同"), "differs in Chinese");
  await shot(page, "flag-conflict-zh");
  await page.goto(`${setup.url}/console/flags/item?event=${setup.event}&kind=second&id=${setup.second}`,
    { waitUntil: "load" });
  await shot(page, "flag-resolved-zh");
  await page.goto(`${setup.url}/console/flags/item?event=${setup.event}&kind=skewed&id=${setup.skewed}`,
    { waitUntil: "load" });
  check((await page.$eval("p.gap", (e) => e.textContent)).includes("晚 60 分钟"), "the gap in Chinese");
  await submit(page, 'button[name="lang"][value="en"]');
  check((await page.$eval("p.gap", (e) => e.textContent)).includes("60 min ahead"), "the gap in words");
  await shot(page, "flag-skewed-en");
} catch (e) {
  check(false, `browser run: ${e.stack}`);
} finally {
  await browser.close();
}
console.log(failures.length === 0 ? "OK" : `${failures.length} failure(s)`);
process.exit(failures.length === 0 ? 0 : 1);
