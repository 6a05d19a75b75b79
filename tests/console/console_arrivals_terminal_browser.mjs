// The arrivals board open in Debian's headless Chromium while a real terminal checks guests
// in; run by console_terminal_e2e_test.cpp with a setup file (URL, SPKI pin, account, the
// guests the terminal will check in, output folder). Prints "BOARD" once the board is open,
// then "SEEN <guest id> <unix ms>" when each guest's row appears, without a reload. Exits
// non-zero on any failed check.
import path from "node:path";
import { browser, check, failures, openPage, setup } from "./browser_support.mjs";

try {
  const page = await openPage("en");
  await page.goto(`${setup.url}/console/login`, { waitUntil: "load" });
  await page.type("#name", setup.account);
  await page.type("#password", setup.password);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }),
    page.click("main button[type=submit]")]);
  check(page.url().includes("/console/arrivals"), `signed in (at ${page.url()})`);
  await page.evaluate(() => { window.boardMarker = 1; });
  console.log("BOARD");
  for (const id of setup.guests) {
    // The terminal's whole check-in (scan, confirmation, badge) happens in this time too.
    await page.waitForSelector(`#arrived-body tr[data-guest="${id}"]`, { timeout: 60000 });
    console.log(`SEEN ${id} ${Date.now()}`);
  }
  check(await page.evaluate(() => window.boardMarker === 1), "the board did not reload");
  const arrived = await page.$eval('[data-count="arrived"]', (e) => Number(e.textContent));
  check(arrived === setup.guests.length, `the arrived count follows (${arrived})`);
  await page.screenshot({ path: path.join(setup.out, "arrivals-from-terminal-en.png"),
    fullPage: true });
} catch (e) {
  check(false, `${e.message}`);
} finally {
  await browser.close();
}
process.exit(failures.length === 0 ? 0 : 1);
