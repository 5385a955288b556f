import { APIRequestContext, Browser, expect, Page, request as playwrightRequest, test } from "@playwright/test";
import { buildSync } from "esbuild";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { AddressInfo } from "node:net";
import { join } from "node:path";

export const ADMIN = { email: "admin@e2e.test", password: "e2e admin passphrase" };

/** Fails the test on any browser console error or uncaught exception (hydration problems show up here). */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

/**
 * Opens `path` and waits until the WASM has hydrated it: before that a click on a submit button
 * submits the server-rendered form natively instead of reaching the page's own handler (area pages
 * load their code first, so this can take a moment).
 */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
}

/** Waits until the WASM has hydrated the page (the sign-in button is enabled only then). */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** An HTTP client signed in through the same server function the login form uses. */
export async function apiAs(baseURL: string, email: string, password: string): Promise<APIRequestContext> {
  const ctx = await playwrightRequest.newContext({ baseURL });
  const res = await ctx.post("/rpc/login", { data: { credentials: { email, password } } });
  expect(res.status(), await res.text()).toBe(200);
  return ctx;
}

export async function createUser(
  admin: APIRequestContext,
  user: { email: string; name: string; password: string; admin?: boolean; roles?: Record<string, string> },
) {
  const res = await admin.post("/rpc/users/create", {
    data: { input: { admin: false, roles: {}, ...user } },
  });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

/** What every page shows when it holds data of each shape: a flag, a segment, a config namespace
 * with a release and a draft change, a menu with an item and a release, an SDK key and an admin
 * token, all in staging. Empty pages hide bugs that only data brings out. */
export interface Seeded {
  flag: string;
  flagName: string;
  segment: string;
  namespace: string;
  menu: string;
  sdkKey: string;
  token: string;
}

export async function seedEveryPage(baseURL: string): Promise<Seeded> {
  const admin = await apiAs(baseURL, ADMIN.email, ADMIN.password);
  const rpc = async (path: string, data: Record<string, unknown>) => {
    const res = await admin.post(`/rpc/${path}`, { data });
    expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
    return res.json();
  };
  const flag = unique("seed-flag").toLowerCase();
  const flagName = `Seeded flag ${flag}`;
  await rpc("flags/create", { input: { key: flag, name: flagName, kind: "boolean" } });
  const segment = unique("seed-segment").toLowerCase();
  await rpc("segments/create", {
    input: { key: segment, name: `Segment ${segment}`, constraints: [{ attribute: "country", operator: "IN", values: ["NL"] }] },
  });
  const namespace = unique("seed-ns").toLowerCase();
  await rpc("config/create", { input: { key: namespace, description: "", environment: "staging" } });
  await rpc("config/set-entry", {
    input: { namespace, environment: "staging", entry: { key: "retries", value_type: "integer", value: "3" }, version: 0 },
  });
  const got = await admin.get(`/rpc/config/draft?environment=staging&namespace=${namespace}`);
  expect(got.status(), await got.text()).toBe(200);
  const draft = await got.json();
  await rpc("config/publish", {
    input: { namespace, environment: "staging", message: "first", main_version: 0, draft_version: draft.draft_version },
  });
  await rpc("config/set-entry", {
    input: { namespace, environment: "staging", entry: { key: "timeout", value_type: "duration", value: "5s" }, version: 0 },
  });
  const menu = unique("seed-menu").toLowerCase();
  await rpc("menus/create", { input: { key: menu, description: "", environment: "staging" } });
  const saved = await rpc("menus/save", {
    input: { menu, environment: "staging", items: [{ id: "home", kind: "link", label: "Home", target: "/" }], version: 0 },
  });
  await rpc("menus/publish", { input: { menu, environment: "staging", message: "first", main_version: 0, draft_version: saved } });
  const sdkKey = unique("seed-sdk-key");
  await rpc("sdk-keys/create", { input: { environment: "staging", name: sdkKey } });
  const token = unique("seed-token");
  await rpc("api-tokens/create", { input: { name: token, roles: { staging: "viewer" }, expires_in_days: 7 } });
  await admin.dispose();
  return { flag, flagName, segment, namespace, menu, sdkKey, token };
}

/** Unique suffix so tests do not collide within one run's database. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** Saves a screenshot under end2end/artifacts/screenshots (kept as a test artifact). */
export async function shot(page: Page, name: string) {
  const dir = join(__dirname, "..", "artifacts", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  await test.info().attach(name, { path: join(dir, `${name}.png`), contentType: "image/png" });
}

/** MurmurHash3 x86_32, as Unleash and Switchboard bucket users (for picking test users). */
export function murmur3(text: string, seed = 0): number {
  const data = new TextEncoder().encode(text);
  let h = seed >>> 0;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const blocks = Math.floor(data.length / 4);
  for (let i = 0; i < blocks; i++) {
    let k = data[i * 4] | (data[i * 4 + 1] << 8) | (data[i * 4 + 2] << 16) | (data[i * 4 + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const tail = blocks * 4;
  switch (data.length & 3) {
    case 3:
      k ^= data[tail + 2] << 16;
    // falls through
    case 2:
      k ^= data[tail + 1] << 8;
    // falls through
    case 1:
      k ^= data[tail];
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  h ^= data.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The rollout bucket (1..100) of `user` in the flag `group`. */
export function bucket(group: string, user: string): number {
  return (murmur3(`${group}:${user}`) % 100) + 1;
}

/** A page of a browser app on another local origin: `source` bundled by esbuild (with end2end's
 * packages, e.g. OpenFeature's web SDK) and served by a throwaway server on 127.0.0.1. Chromium
 * refuses requests from a routed (public) page to a local address, so the app must itself be
 * local to be a fair cross-origin test. */
export async function appOnOtherOrigin(browser: Browser, source: string): Promise<{ app: Page; close: () => void }> {
  const bundle = buildSync({
    stdin: { contents: source, resolveDir: join(__dirname, "..") },
    bundle: true,
    format: "iife",
    write: false,
  }).outputFiles[0].text;
  const server = createServer((_, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(`<!doctype html><html><body><script>${bundle}</script>app</body></html>`);
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const app = await (await browser.newContext()).newPage();
  await app.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return { app, close: () => server.close() };
}

/** Creates a flag and saves its staging settings through the dashboard's server functions. */
export async function flag(api: APIRequestContext, key: string, kind: string, variants: object[], settings: object) {
  let res = await api.post("/rpc/flags/create", { data: { input: { key, name: key, kind, variants } } });
  expect(res.status(), await res.text()).toBe(200);
  res = await api.post("/rpc/flags/save-settings", {
    data: { input: { flag: key, environment: "staging", version: 0, rules: [], ...settings } },
  });
  expect(res.status(), await res.text()).toBe(200);
}

/** A new SDK key for staging; its secret. */
export async function sdkKey(api: APIRequestContext, name: string): Promise<string> {
  const res = await api.post("/rpc/sdk-keys/create", { data: { input: { environment: "staging", name } } });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).secret;
}
