// Lighthouse's own Node API, one Chrome for every page (its documented way to score several URLs: chrome-launcher
// once, then lighthouse(url, {port}) per page), instead of a new Node and a new Chrome per page. Called by
// .ci/lighthouse:  node .ci/lighthouse.mjs NODE_MODULES OUT_DIR BASE PAGE...
// Writes OUT_DIR/lh<page with / as _>.json, Lighthouse's JSON report of each page.
//
// Same settings as the CLI's defaults (phone emulation, simulated throttling, the four categories), except that
// audits of weight 0 in every category scored here are skipped: the back/forward cache test (a second navigation
// per page) and the screenshots. A category's score is the weighted mean of its audits, so these cannot change it.
// A page whose trace Lighthouse itself loses (a runtime error such as NO_NAVSTART) is tried up to three times; a
// score is never retried.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, out, base, ...pages] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(join(modules, p)).href);
const lighthouse = (await load("lighthouse/core/index.js")).default;
const chromeLauncher = await load("chrome-launcher/dist/index.js");

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: ["--headless=new", "--no-sandbox"],
});
const flags = {
  port: chrome.port,
  output: "json",
  logLevel: "error",
  onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
  skipAudits: ["bf-cache", "screenshot-thumbnails", "final-screenshot"],
  disableFullPageScreenshot: true,
};
let failed = false;
try {
  for (const page of pages) {
    let report = null;
    for (let attempt = 1; attempt <= 3 && report === null; attempt++) {
      const result = await lighthouse(base + page, flags);
      const error = result?.lhr?.runtimeError;
      if (result && !error) report = result.report;
      else console.error(`Lighthouse failed on ${page} (try ${attempt}): ${error ? error.code : "no result"}`);
    }
    if (report === null) { failed = true; break; }
    writeFileSync(join(out, `lh${page.replaceAll("/", "_")}.json`), report);
  }
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
