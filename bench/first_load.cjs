// First load in Chromium: what the browser downloads to hydrate the sign-in page and the flag list,
// and how fast the flag list paints and hydrates. Run by bench/first_load.sh, which starts the
// release server with 1,000 flags; this script only drives the browser and prints a table.
//
// Every measured load starts from an empty cache (a new browser context), with brotli accepted as
// Chromium always does. "Hydrated" is the moment the WASM set `data-hydrated` on <html> (it does so
// only after the page took over), seen by a MutationObserver installed before any page script.
"use strict";
const path = require("node:path");
const { chromium } = require(path.join(__dirname, "..", "end2end", "node_modules", "@playwright/test"));

const base = process.env.BASE_URL;
const email = process.env.EMAIL;
const password = process.env.PASSWORD;
const runs = Number(process.env.RUNS || 7);

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const MARK_HYDRATED = () => {
  window.__hydratedAt = null;
  new MutationObserver((_, observer) => {
    if (document.documentElement.hasAttribute("data-hydrated")) {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
};

/** Loads `url` in a fresh context; returns paint and hydration times and the site files fetched. */
async function coldLoad(browser, url, cookies) {
  const context = await browser.newContext();
  if (cookies) await context.addCookies(cookies);
  await context.addInitScript(MARK_HYDRATED);
  const page = await context.newPage();
  const files = [];
  page.on("requestfinished", async (request) => {
    const pathname = new URL(request.url()).pathname;
    if (!pathname.startsWith("/pkg/")) return;
    const response = await request.response();
    const sizes = await request.sizes();
    files.push({
      path: pathname,
      encoding: (response && response.headers()["content-encoding"]) || "identity",
      bytes: sizes.responseBodySize,
    });
  });
  await page.goto(base + url);
  await page.waitForFunction(() => window.__hydratedAt !== null, null, { timeout: 30_000 });
  // Let late chunk requests finish so they are counted.
  await page.waitForLoadState("networkidle");
  const timing = await page.evaluate(() => {
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return { fcp: fcp ? fcp.startTime : null, hydrated: window.__hydratedAt };
  });
  const rows = await page.locator("[data-testid=flag-row]").count();
  await context.close();
  return { ...timing, files, rows };
}

async function signedInCookies(browser) {
  const context = await browser.newContext();
  const response = await context.request.post(base + "/rpc/login", {
    data: { credentials: { email, password } },
  });
  if (response.status() !== 200) throw new Error(`sign-in answered ${response.status()}`);
  const cookies = await context.cookies();
  await context.close();
  return cookies;
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const kb = (bytes) => (bytes / 1024).toFixed(1) + " KB";

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
  const cookies = await signedInCookies(browser);
  const login = await coldLoad(browser, "/login", null);
  const flagRuns = [];
  for (let i = 0; i < runs; i++) flagRuns.push(await coldLoad(browser, "/flags", cookies));
  await browser.close();

  // The code both pages need, each file counted once, as the browser received it.
  const needed = new Map();
  for (const f of [...login.files, ...flagRuns[0].files]) needed.set(f.path, f);
  let total = 0;
  console.log("files fetched to hydrate /login and /flags (cold cache):");
  for (const f of needed.values()) {
    total += f.bytes;
    console.log(`  ${f.path}  ${f.encoding}  ${kb(f.bytes)}`);
  }
  console.log(`total: ${kb(total)}`);
  console.log(`/login: first contentful paint ${login.fcp.toFixed(0)} ms, hydrated ${login.hydrated.toFixed(0)} ms`);
  console.log(
    `/flags (${flagRuns[0].rows} rows shown), median of ${runs} cold loads: ` +
      `first contentful paint ${median(flagRuns.map((r) => r.fcp)).toFixed(0)} ms, ` +
      `hydrated ${median(flagRuns.map((r) => r.hydrated)).toFixed(0)} ms ` +
      `(worst ${Math.max(...flagRuns.map((r) => r.hydrated)).toFixed(0)} ms)`,
  );
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
