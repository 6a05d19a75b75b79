// Drives the console's guests pages in Debian's headless Chromium (puppeteer-core); run by
// console_browser_test.cpp with a setup file. Signs in, opens Guests from the navigation,
// searches by pinyin, opens the guest, changes the room (says "SAVED" to the test, which
// times the change until the terminal's sync engine has it), reissues the code, switches to
// zh-CN, searches again and opens the walk-in form; screenshots and axe-checks every page.
// Exits non-zero on any failed check.
import path from "node:path";
import { axeSource, browser, check, failures, openPage, setup } from "./browser_support.mjs";

async function shot(page, name) {
  const raw = (await page.evaluate(() => document.body.innerText)).match(
    /\b(nav|guests?|field|trail|arrivals|error|role|event|category)\.[a-z_.]+/);
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

const row = `tr[data-guest="${setup.guest}"]`;
const room = '[id="f-lodging.room"]';

try {
  const page = await openPage();
  await page.goto(`${setup.url}/console/login`, { waitUntil: "load" });
  await page.type("#name", setup.account);
  await page.type("#password", setup.password);
  await submit(page, "main button[type=submit]");
  await Promise.all([page.waitForNavigation(), page.click('nav a[href^="/console/guests"]')]);
  check(page.url().includes("/console/guests"), `the guests page opens (${page.url()})`);

  await page.type("#q", setup.query);
  await submit(page, "form.search button");
  check((await page.$(row)) !== null, `"${setup.query}" finds the guest`);
  await shot(page, "guests-en");

  await submit(page, `${row} a`);
  check((await page.$eval("h1", (e) => e.textContent)).includes(setup.name), "the guest's page");
  check((await page.$("[data-needs-changed]")) !== null, "the needs changed at check-in are marked");
  await shot(page, "guest-en");

  await page.$eval(room, (e) => { e.value = ""; });
  await page.type(room, setup.room);
  await submit(page, `form:has(${room}) button`);
  console.log("SAVED");
  check((await page.$eval(".notice", (e) => e.textContent)).includes("Saved"), "saved notice");
  check((await page.$eval(room, (e) => e.value)) === setup.room, "the new room is shown");
  check((await page.$eval("table.trail", (e) => e.textContent)).includes("Changed at the desk"),
    "the change is in the trail");
  await shot(page, "guest-saved-en");

  // Revoke and reissue the code: the page asks first, then shows the new code's QR.
  page.once("dialog", (d) => d.accept());
  await submit(page, 'form[action="/console/guests/reissue"] button');
  check((await page.$("[data-issued] svg")) !== null, "the new code's QR code is shown");
  await shot(page, "guest-reissued-en");

  await submit(page, 'button[name="lang"][value="zh-CN"]');
  check((await page.$eval("html", (e) => e.lang)) === "zh-CN", "switched to zh-CN");
  check((await page.content()).includes("签到时已更改"), "needs change marked in Chinese");
  await shot(page, "guest-zh");
  await page.goto(`${setup.url}/console/guests?event=${setup.event}&q=${encodeURIComponent(setup.hanQuery)}`,
    { waitUntil: "load" });
  check((await page.$(row)) !== null, `"${setup.hanQuery}" finds the guest`);
  await shot(page, "guests-zh");
  await page.click("details summary");
  await shot(page, "guests-walk-in-zh");
} catch (e) {
  check(false, `browser run: ${e.stack}`);
} finally {
  await browser.close();
}
console.log(failures.length === 0 ? "OK" : `${failures.length} failure(s)`);
process.exit(failures.length === 0 ? 0 : 1);
