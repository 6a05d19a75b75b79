// What every console browser script shares: the setup file the C++ test wrote (argv[2]),
// failed checks collected for the exit status, Debian's headless Chromium on the test's
// closed network, axe-core's source, and pages on which a Content-Security-Policy refusal
// or a script error fails a check.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
export const setup = JSON.parse(readFileSync(process.argv[2], "utf8"));
export const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const failures = [];
export const check = (ok, what) => {
  if (!ok) {
    failures.push(what);
    console.log(`FAIL ${what}`);
  }
};

// The closed network: no background traffic, no first-run work, no sandbox in a container.
export const browser = await puppeteer.launch({
  executablePath: setup.chromium,
  headless: true,
  userDataDir: setup.profile,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    `--ignore-certificate-errors-spki-list=${setup.spki}`,
  ],
});

// A desk PC's window asking for `lang` ("en" or "zh-CN").
export async function openPage(lang = "en") {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.setExtraHTTPHeaders({ "Accept-Language": lang === "en" ? "en-GB,en" : "zh-CN,zh" });
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) {
      check(false, `CSP violation: ${m.text()}`);
    }
  });
  page.on("pageerror", (e) => check(false, `script error: ${e.message}`));
  return page;
}
