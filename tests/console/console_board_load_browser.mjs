// The closing note's figure: the arrivals board of a 10,000-guest event loading in Debian's
// headless Chromium (puppeteer-core), run by console_browser_test.cpp. Prints, per load, the
// time from navigation start to the first byte (central's work), to DOMContentLoaded and to the
// board drawn (the second animation frame after DOMContentLoaded: the board laid out and
// painted), then the medians.
// A figure, not a limit: exits non-zero only when the board is not there.
import path from "node:path";
import { browser, check, failures, setup } from "./browser_support.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.setExtraHTTPHeaders({ "Accept-Language": "en-GB,en" });
  // Added by the DevTools protocol, not the page: the strict CSP does not apply to it.
  await page.evaluateOnNewDocument(() => {
    document.addEventListener("DOMContentLoaded", () => {
      requestAnimationFrame(() => requestAnimationFrame(() => {
        window.boardDrawnAt = performance.now();
      }));
    });
  });
  await page.goto(`${setup.url}/console/login`, { waitUntil: "load" });
  await page.type("#name", setup.account);
  await page.type("#password", setup.password);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("main button[type=submit]")]);
  const firstByte = [];
  const dcl = [];
  const drawn = [];
  for (let i = 0; i < setup.runs; ++i) {
    await page.goto(`${setup.url}/console/arrivals?event=${setup.event}`, { waitUntil: "load" });
    await page.waitForFunction(() => window.boardDrawnAt !== undefined, { timeout: 60000 });
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      return {
        firstByte: nav.responseStart, lastByte: nav.responseEnd, dcl: nav.domContentLoadedEventEnd,
        drawn: window.boardDrawnAt, bytes: nav.encodedBodySize, html: nav.decodedBodySize,
      };
    });
    const rows = await page.$$eval("#waiting-body tr, #arrived-body tr", (r) => r.length);
    check(rows === setup.guests, `the board lists every guest (${rows})`);
    console.log(`BOARD load ${i + 1}: first byte ${t.firstByte.toFixed(0)} ms, last byte ${t.lastByte.toFixed(0)} ms, ` +
      `DOMContentLoaded ${t.dcl.toFixed(0)} ms, drawn ${t.drawn.toFixed(0)} ms, ` +
      `${Math.round(t.bytes / 1024)} KiB on the wire, ${Math.round(t.html / 1024)} KiB of HTML`);
    firstByte.push(t.firstByte);
    dcl.push(t.dcl);
    drawn.push(t.drawn);
  }
  console.log(`BOARD ${setup.guests} guests, median of ${setup.runs}: first byte ${median(firstByte).toFixed(0)} ms, DOMContentLoaded ${median(dcl).toFixed(0)} ms, board drawn ${median(drawn).toFixed(0)} ms`);
  await page.screenshot({ path: path.join(setup.out, "arrivals-10000.png") });
} catch (e) {
  check(false, `browser run: ${e.stack}`);
} finally {
  await browser.close();
}
console.log(failures.length === 0 ? "OK" : `${failures.length} failure(s)`);
process.exit(failures.length === 0 ? 0 : 1);
