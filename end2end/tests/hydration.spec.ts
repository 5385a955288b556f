import { expect, test, type Page } from "@playwright/test";
import { ADMIN, seedEveryPage, signIn, watchConsole } from "./helpers";

// Every page, opened directly (a typed URL, a reload, a bookmark), must take over from the
// server-rendered HTML: the WASM sets `data-hydrated` on <html> only after hydration finished
// without a panic. Pages hold data of every shape (seedEveryPage), since empty pages hide
// nested-resource bugs.

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
  const seeded = await seedEveryPage(baseURL!);

  await hydrates(page, "/login");
  await signIn(page, ADMIN.email, ADMIN.password);
  for (const path of [
    "/",
    "/flags",
    "/flags?env=staging",
    "/flags/new",
    `/flags/${seeded.flag}`,
    "/segments",
    "/config",
    "/config/staging",
    `/config/staging/${seeded.namespace}`,
    "/menus",
    "/menus/staging",
    `/menus/staging/${seeded.menu}`,
    "/audit",
    "/users",
    "/environments",
    "/api-keys",
    "/api-keys?env=staging",
  ]) {
    await hydrates(page, path);
  }
  await hydrates(page, "/no-such-page", 404);
});
