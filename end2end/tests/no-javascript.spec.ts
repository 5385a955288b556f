import { expect, test } from "@playwright/test";
import { ADMIN, apiAs, seedEveryPage } from "./helpers";

// Every page is rendered on the server: with JavaScript off, opening it shows its main content
// (the data, not a loading placeholder), and the pages that send you elsewhere (/, /config,
// /menus) do so with an HTTP redirect.

test.use({ javaScriptEnabled: false });

test("every page shows its content with JavaScript disabled", async ({ page, context, baseURL }) => {
  test.setTimeout(120_000);
  const seeded = await seedEveryPage(baseURL!);
  // Signed in through the API: the session cookie is all the browser needs.
  const admin = await apiAs(baseURL!, ADMIN.email, ADMIN.password);
  await context.addCookies((await admin.storageState()).cookies);
  await admin.dispose();

  const pages: { path: string; url?: RegExp; shows: (p: typeof page) => ReturnType<typeof page.locator> }[] = [
    { path: "/", url: /\/flags/, shows: (p) => p.getByRole("heading", { name: "Flags", exact: true }) },
    { path: "/flags?env=staging", shows: (p) => p.locator(`[data-testid=flag-row][data-key="${seeded.flag}"]`) },
    { path: "/flags", shows: (p) => p.locator(`[data-testid=flag-row][data-key="${seeded.flag}"]`) },
    { path: "/flags/new", shows: (p) => p.getByLabel("Key", { exact: true }) },
    { path: `/flags/${seeded.flag}`, shows: (p) => p.getByRole("heading", { name: seeded.flagName }) },
    { path: "/segments", shows: (p) => p.getByText(`Segment ${seeded.segment}`) },
    { path: "/config", url: /\/config\/[a-z0-9-]+$/, shows: (p) => p.getByRole("heading", { name: "Config", exact: true }) },
    { path: "/config/staging", shows: (p) => p.getByRole("link", { name: seeded.namespace }) },
    { path: `/config/staging/${seeded.namespace}`, shows: (p) => p.getByText("retries", { exact: true }).first() },
    { path: "/menus", url: /\/menus\/[a-z0-9-]+$/, shows: (p) => p.getByRole("heading", { name: "Menus", exact: true }) },
    { path: "/menus/staging", shows: (p) => p.getByRole("link", { name: seeded.menu }) },
    { path: `/menus/staging/${seeded.menu}`, shows: (p) => p.getByRole("heading", { name: seeded.menu }) },
    { path: "/audit", shows: (p) => p.getByText(seeded.flag).first() },
    { path: "/users", shows: (p) => p.getByText(ADMIN.email).first() },
    { path: "/environments", shows: (p) => p.getByText("staging", { exact: true }).first() },
    { path: "/api-keys?env=staging", shows: (p) => p.getByText(seeded.sdkKey) },
    { path: "/api-keys", shows: (p) => p.getByText(seeded.token) },
  ];
  for (const { path, url, shows } of pages) {
    const response = await page.goto(path);
    expect.soft(response?.status(), `${path} answers`).toBe(200);
    if (url) expect.soft(page.url(), `${path} redirects`).toMatch(url);
    await expect.soft(shows(page), `${path} shows its content without JavaScript`).toBeVisible({ timeout: 2_000 });
  }
});
