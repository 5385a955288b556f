import { expect, test, type Page } from "@playwright/test";
import { ADMIN, apiAs, signIn, unique, watchConsole } from "./helpers";

// Every page, opened directly (a typed URL, a reload, a bookmark), must take over from the
// server-rendered HTML: the WASM sets `data-hydrated` on <html> only after hydration finished
// without a panic. Pages hold data of every shape (a flag, a config namespace with an entry and
// a release, a menu with an item and a release), since empty pages hide nested-resource bugs.

async function hydrates(page: Page, path: string, expectedStatus = 200) {
  const problems = watchConsole(page);
  const response = await page.goto(path);
  expect.soft(response?.status(), `${path} answers`).toBe(expectedStatus);
  await expect.soft(page.locator("html[data-hydrated]"), `${path} hydrates`).toHaveCount(1);
  await page.waitForLoadState("networkidle");
  // Chromium reports the document's own 404 as a console error; that one is the point there.
  const unexpected = problems.filter((p) => !(expectedStatus === 404 && p.includes("status of 404")));
  expect.soft(unexpected, `${path} logs no errors`).toEqual([]);
}

test("every page loaded directly hydrates without errors", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await apiAs(baseURL!, ADMIN.email, ADMIN.password);
  const rpc = async (path: string, data: Record<string, unknown>) => {
    const res = await admin.post(`/rpc/${path}`, { data });
    expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
    return res.json();
  };
  const flag = unique("hydrate-flag").toLowerCase();
  await rpc("flags/create", { input: { key: flag, name: "Hydration flag", kind: "boolean" } });
  const ns = unique("hydrate-ns").toLowerCase();
  await rpc("config/create", { input: { key: ns, description: "", environment: "staging" } });
  await rpc("config/set-entry", {
    input: { namespace: ns, environment: "staging", entry: { key: "retries", value_type: "integer", value: "3" }, version: 0 },
  });
  const got = await admin.get(`/rpc/config/draft?environment=staging&namespace=${ns}`);
  expect(got.status(), await got.text()).toBe(200);
  const draft = await got.json();
  await rpc("config/publish", {
    input: { namespace: ns, environment: "staging", message: "first", main_version: 0, draft_version: draft.draft_version },
  });
  await rpc("config/set-entry", {
    input: { namespace: ns, environment: "staging", entry: { key: "timeout", value_type: "duration", value: "5s" }, version: 0 },
  });
  const menu = unique("hydrate-menu").toLowerCase();
  await rpc("menus/create", { input: { key: menu, description: "", environment: "staging" } });
  const saved = await rpc("menus/save", {
    input: { menu, environment: "staging", items: [{ id: "home", kind: "link", label: "Home", target: "/" }], version: 0 },
  });
  await rpc("menus/publish", { input: { menu, environment: "staging", message: "first", main_version: 0, draft_version: saved } });

  await hydrates(page, "/login");
  await signIn(page, ADMIN.email, ADMIN.password);
  for (const path of [
    "/",
    "/flags",
    "/flags/new",
    `/flags/${flag}`,
    "/segments",
    "/config",
    "/config/staging",
    `/config/staging/${ns}`,
    "/menus",
    "/menus/staging",
    `/menus/staging/${menu}`,
    "/audit",
    "/users",
    "/environments",
    "/api-keys",
  ]) {
    await hydrates(page, path);
  }
  await hydrates(page, "/no-such-page", 404);
});
