// Drives the console's records in Debian's headless Chromium (puppeteer-core); run by
// console_browser_test.cpp with a setup file. A supervisor exports the arrivals (read back in
// the page: byte order mark, the RFC 5987 file name on the wire, formula cells neutralised,
// Chinese intact; a guest of another day who arrives is counted live), finds that export in the audit search, opens the daily report on screen and
// with print media emulated (no navigation, A4 PDF), switches to zh-CN; every page is
// screenshot and axe-checked. Exits non-zero on any failed check.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { axeSource, browser, check, failures, openPage, setup } from "./browser_support.mjs";

async function shot(page, name) {
  const raw = (await page.evaluate(() => document.body.innerText)).match(
    /\b(nav|records|report|arrivals|summary|error|role|event|terminals|device)\.[a-z_.]+/);
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

// A download as the browser receives it: the raw header and bytes.
async function download(page, url) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: "same-origin" });
    const bytes = new Uint8Array(await r.arrayBuffer());
    return {
      status: r.status,
      disposition: r.headers.get("Content-Disposition"),
      bom: Array.from(bytes.slice(0, 3)),
      text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes),
    };
  }, url);
}

function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; ++i; } else if (c === '"') { quoted = false; } else { cell += c; }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(cell); cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell); cell = ""; rows.push(row); row = []; ++i;
    } else {
      cell += c;
    }
  }
  return rows;
}

try {
  const page = await openPage();
  await page.goto(`${setup.url}/console/login`, { waitUntil: "load" });
  await page.type("#name", setup.account);
  await page.type("#password", setup.password);
  await submit(page, "main button[type=submit]");
  check(page.url().includes("/console/arrivals"), `signed in (${page.url()})`);
  check((await page.$eval("#late-body", (e) => e.textContent)).includes(setup.late),
    "the late guest is on the board");
  check((await page.$eval("[data-count=late]", (e) => e.textContent)) === "1", "one late guest");
  await shot(page, "arrivals-late-en");
  // A guest expected on another day arrives: today's board counts them as expected and arrived.
  const count = (name) => page.$eval(`[data-count=${name}]`, (e) => Number(e.textContent));
  const expected = await count("expected");
  const waiting = await count("waiting");
  check((await page.$(`tr[data-guest="${setup.early}"]`)) === null, "Early Ed is not on today's board");
  console.log("PUSH");
  await page.waitForSelector(`#arrived-body tr[data-guest="${setup.early}"]`, { timeout: 8000 });
  check((await count("expected")) === expected + 1, "the early guest is counted as expected");
  check((await count("waiting")) === waiting, "and not as waiting");

  // The export, read back as the browser gets it.
  const csv = await download(page, `/console/arrivals.csv?event=${setup.event}`);
  check(csv.status === 200, `export answers 200 (${csv.status})`);
  check(JSON.stringify(csv.bom) === "[239,187,191]", `UTF-8 byte order mark (${csv.bom})`);
  check(/^attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8''%E4%B8%8A%E6%B5%B7/.test(csv.disposition),
    `the file name, RFC 5987 on the wire (${csv.disposition})`);
  const rows = parseCsv(csv.text.slice(1));
  check(rows.length === setup.guests + 1, `one row a guest and a header (${rows.length})`);
  const names = new Set(rows.map((r) => r[0]));
  for (const [typed, written] of setup.names) {
    check(names.has(written), `"${typed}" is written as "${written}"`);
  }
  check(rows.every((r) => r.every((c) => c === "" || !"=+-@\t\r".includes(c[0]))),
    "no cell starts a formula");
  writeFileSync(path.join(setup.out, "arrivals-export.csv"), csv.text);

  // The export is in the records: the nav link, then a search by action.
  await Promise.all([page.waitForNavigation(), page.click('nav a[href^="/console/records"]')]);
  await shot(page, "records-en");
  await page.type("#action", "export");
  await submit(page, "form[role=search] button[type=submit]");
  const found = await page.$eval("#found", (e) => e.textContent);
  check(found.endsWith(" 1"), `the export is found (${found})`);
  const row = await page.$eval("table.records tbody tr", (e) => e.textContent);
  check(row.includes(setup.account) && row.includes("arrivals") && row.includes(`${setup.guests} rows`),
    `the export's audit row (${row})`);
  await shot(page, "records-search-en");

  // The daily report, on screen and on paper.
  await Promise.all([page.waitForNavigation(), page.click('nav.exports a[href^="/console/report"]')]);
  check((await page.content()).includes(setup.vip), "the VIP is in the report");
  await shot(page, "report-en");
  await page.emulateMediaType("print");
  await page.screenshot({ path: path.join(setup.out, "report-print-en.png"), fullPage: true });
  check(await page.$eval("header.top", (e) => getComputedStyle(e).display === "none"),
    "the printed report has no navigation");
  check(await page.$eval("main form", (e) => getComputedStyle(e).display === "none"),
    "the printed report has no form");
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: false });
  writeFileSync(path.join(setup.out, "report-en.pdf"), pdf);
  const pdfText = Buffer.from(pdf).toString("latin1");
  const box = pdfText.match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
  check(box !== null && Math.abs(Number(box[1]) - 595) < 2 && Math.abs(Number(box[2]) - 842) < 2,
    `A4 pages (${box && box.slice(1).join(" x ")} pt)`);
  await page.emulateMediaType("screen");

  await submit(page, 'button[name="lang"][value="zh-CN"]');
  check((await page.$eval("html", (e) => e.lang)) === "zh-CN", "switched to zh-CN");
  check((await page.content()).includes("每日报告"), "the report in Chinese");
  await shot(page, "report-zh");
  await page.emulateMediaType("print");
  await page.screenshot({ path: path.join(setup.out, "report-print-zh.png"), fullPage: true });
  await page.emulateMediaType("screen");
  await page.goto(`${setup.url}/console/records?event=${setup.event}`, { waitUntil: "load" });
  check((await page.content()).includes("记录查询"), "the records in Chinese");
  await shot(page, "records-zh");
  await page.goto(`${setup.url}/console/arrivals?event=${setup.event}`, { waitUntil: "load" });
  check((await page.$eval("#late-body", (e) => e.textContent)).includes("迟到"), "late in Chinese");
  await shot(page, "arrivals-late-zh");
} catch (e) {
  check(false, `browser run: ${e.stack}`);
} finally {
  await browser.close();
}
console.log(failures.length === 0 ? "OK" : `${failures.length} failure(s)`);
process.exit(failures.length === 0 ? 0 : 1);
