import { expect, test } from "@playwright/test";
import { ADMIN, apiAs, createUser, shot, signIn, unique, open, watchConsole } from "./helpers";

test("an administrator signs in and lands on the flags", async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/flags$/);
  await expect(page.getByRole("heading", { name: "Flags" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toHaveText("E2E Admin");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText([
    "Flags",
    "Segments",
    "Config",
    "Menus",
    "Audit",
    "Users",
    "Environments",
    "API keys",
  ]);
  expect(problems).toEqual([]);
});

test("what is typed before the page is interactive survives hydration", async ({ page }) => {
  // Hold the WASM back, so the form is filled in the server's HTML before hydration (a quick
  // user or a password manager); hydration used to blank the email and the sign-in failed.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/pkg\/[^/]+\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(0);
  release();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.getByLabel("Email")).toHaveValue(ADMIN.email);
  await expect(page.getByLabel("Password")).toHaveValue(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
});

test("what is typed while the page's own code chunk loads survives hydration", async ({ page }) => {
  // The new-flag page's code is in the flags area's module, not the main one. The main module
  // arrives at once; only the area's files are held back, so typing goes on after the main
  // module started and before the page could hydrate.
  await signIn(page, ADMIN.email, ADMIN.password);
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let chunksHeld = 0;
  await page.route(/\/pkg\/[^/]+\.wasm$/, async (route) => {
    if (!/\/pkg\/switchboard\.[^/.]+\.wasm$/.test(route.request().url())) {
      chunksHeld += 1;
      await held;
    }
    await route.continue();
  });
  await page.goto("/flags/new");
  await expect.poll(() => chunksHeld, { message: "the area's code was requested" }).toBeGreaterThan(0);
  const key = unique("typed-early");
  await page.getByLabel("Key", { exact: true }).fill(key);
  await page.getByLabel("Name", { exact: true }).fill("Typed early");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(0);
  release();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await expect(page.getByLabel("Key", { exact: true })).toHaveValue(key);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Typed early");
  await page.getByRole("button", { name: "Create flag" }).click();
  await expect(page).toHaveURL(new RegExp(`/flags/${key}`));
});

test("a page's code is fetched the first time it is shown, not with the first page", async ({ page }) => {
  const problems = watchConsole(page);
  const wasm: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith(".wasm")) wasm.push(new URL(r.url()).pathname);
  });
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const beforeAudit = wasm.length;
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" }).click();
  await expect(page).toHaveURL(/\/audit/);
  await expect(page.getByRole("heading", { name: "Audit" })).toBeVisible();
  expect(wasm.length, `chunks fetched: ${wasm.join(", ")}`).toBeGreaterThan(beforeAudit);
  expect(problems).toEqual([]);
});

test("a wrong password shows an error and does not sign in", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not the right password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("error-notice")).toHaveText("Wrong email or password");
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login\?next=\/users/);
});

test("form field errors appear as the user types, before any request", async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, ADMIN.email, ADMIN.password);
  await open(page, "/users");
  await page.getByRole("button", { name: "New user" }).click();
  const form = page.getByRole("form", { name: "New user" });
  let requests = 0;
  page.on("request", (r) => {
    if (r.url().includes("/rpc/users/create")) requests++;
  });
  await form.getByLabel("Email").fill("not-an-email");
  await expect(form.locator("[data-field-error=email]")).toHaveText("Enter an address like name@example.com");
  await form.getByLabel("Initial password").fill("short");
  await expect(form.locator("[data-field-error=password]")).toHaveText("Use at least 12 characters");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.locator("[data-field-error=name]")).toHaveText("Enter a name");
  expect(requests).toBe(0);
  await shot(page, "users-new-user-errors");
  expect(problems).toEqual([]);
});

test("an administrator creates a user with a role, that user signs in, and the audit trail shows it", async ({
  page,
  browser,
}) => {
  const problems = watchConsole(page);
  const email = `${unique("editor")}@e2e.test`;
  await signIn(page, ADMIN.email, ADMIN.password);
  await open(page, "/users");
  await page.getByRole("button", { name: "New user" }).click();
  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Name").fill("Edna Editor");
  await form.getByLabel("Initial password").fill("edna's long passphrase");
  await form.getByLabel("Staging").selectOption("editor");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status")).toContainText(`Created ${email}`);
  const row = page.locator(`[data-testid=user-row][data-email="${email}"]`);
  await expect(row).toContainText("staging: editor");

  const other = await browser.newContext();
  const theirPage = await other.newPage();
  await signIn(theirPage, email, "edna's long passphrase");
  await expect(theirPage.getByTestId("current-user")).toHaveText("Edna Editor");
  await other.close();

  await page.goto("/audit?entity_type=user");
  const event = page.locator("[data-testid=audit-event][data-action=create]").filter({ hasText: email });
  await expect(event).toBeVisible();
  await expect(event).toContainText(ADMIN.email);
  await event.getByText(/fields changed/).click();
  await expect(event.getByRole("cell", { name: "roles.staging" })).toBeVisible();
  await expect(event.getByRole("cell", { name: "editor", exact: true })).toBeVisible();
  await shot(page, "audit-user-created");
  expect(problems).toEqual([]);
});

test("a viewer sees no edit controls and no Users link", async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const admin = await apiAs(baseURL!, ADMIN.email, ADMIN.password);
  const email = `${unique("viewer")}@e2e.test`;
  await createUser(admin, { email, name: "Vic Viewer", password: "vic's long passphrase", roles: { production: "viewer" } });
  await signIn(page, email, "vic's long passphrase");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Audit" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "API keys" })).toHaveCount(0);
  await page.goto("/environments");
  await expect(page.getByTestId("environment-row")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await expect(page.getByRole("form", { name: "New environment" })).toHaveCount(0);
  await shot(page, "environments-viewer");
  // The server refuses what the page hides.
  const viewer = await apiAs(baseURL!, email, "vic's long passphrase");
  const res = await viewer.post("/rpc/users/create", {
    data: { input: { email: "sneaky@e2e.test", name: "Sneaky", password: "sneaky long passphrase", admin: true, roles: {} } },
  });
  expect(res.status()).toBe(403);
  expect(problems).toEqual([]);
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login/);
});

test("unknown addresses get a friendly 404", async ({ page }) => {
  const res = await page.goto("/no-such-page");
  expect(res!.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "There is nothing at this address" })).toBeVisible();
});

for (const [width, height, label] of [
  [1280, 800, "desktop"],
  [390, 844, "mobile"],
] as const) {
  test(`main pages render at ${width}px (${label})`, async ({ page }) => {
    const problems = watchConsole(page);
    await page.setViewportSize({ width, height });
    await page.goto("/login");
    await shot(page, `login-${label}`);
    await signIn(page, ADMIN.email, ADMIN.password);
    for (const path of ["/flags", "/flags/new", "/segments", "/audit", "/users", "/environments", "/api-keys"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      // Nothing overflows the viewport sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} overflows at ${width}px`).toBeLessThanOrEqual(0);
      await shot(page, `${path.slice(1)}-${label}`);
    }
    expect(problems).toEqual([]);
  });
}
