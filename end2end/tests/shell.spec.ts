import { expect, test } from "@playwright/test";
import { ADMIN, shot, signIn, open, watchConsole } from "./helpers";

test("the environment switcher remembers the choice across reloads", async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, ADMIN.email, ADMIN.password);
  const switcher = page.getByTestId("env-switcher");
  await expect(switcher).toHaveValue("development");
  await switcher.selectOption("production");
  await page.reload();
  await expect(page.getByTestId("env-switcher")).toHaveValue("production");
  // The server rendered the remembered choice (no flash of the default before hydration).
  const html = await (await page.request.get("/audit")).text();
  expect(html).toMatch(/<option value="production" selected/);
  expect(problems).toEqual([]);
});

test("the flag list and the SDK keys carry their environment in the address", async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, ADMIN.email, ADMIN.password);
  const switcher = page.getByTestId("env-switcher");
  // Opened with ?env=, the page shows that environment and the switcher follows.
  await page.goto("/flags?env=production");
  await expect(page.getByText(/state in Production/)).toBeVisible();
  await expect(switcher).toHaveValue("production");
  // Choosing another environment puts it in the address, keeping the rest of the query.
  await page.goto("/flags?env=production&sort=name");
  await switcher.selectOption("staging");
  await expect(page).toHaveURL(/[?&]env=staging/);
  await expect(page).toHaveURL(/[?&]sort=name/);
  await expect(page.getByText(/state in Staging/)).toBeVisible();
  await page.reload();
  await expect(page.getByText(/state in Staging/)).toBeVisible();
  // Without ?env=, the remembered environment is the default.
  await page.goto("/flags");
  await expect(page.getByText(/state in Staging/)).toBeVisible();
  await page.goto("/api-keys?env=production");
  await expect(switcher).toHaveValue("production");
  await expect(page.getByRole("heading", { name: "SDK keys of Production" })).toBeVisible();
  await switcher.selectOption("development");
  await expect(page).toHaveURL(/\/api-keys\?env=development$/);
  await expect(page.getByRole("heading", { name: "SDK keys of Development" })).toBeVisible();
  expect(problems).toEqual([]);
});

test("after hydration, navigation happens in the page without reloading it", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.evaluate(() => ((window as any).__stillHere = true));
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Environments" }).click();
  await expect(page).toHaveURL(/\/environments$/);
  await expect(page.getByRole("heading", { name: "Environments" })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);
});

test("pages are readable before the WASM loads", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Sign in to Switchboard" })).toBeVisible();
  await context.close();
});

test("dark theme follows the operating system", async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/users");
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  // Brightness of the page's background and text, whatever colour space the browser reports in.
  const [background, text] = await page.evaluate(() => {
    const ctx = document.createElement("canvas").getContext("2d")!;
    const brightness = (color: string) => {
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
      return (r + g + b) / 3;
    };
    const style = getComputedStyle(document.body);
    return [brightness(style.backgroundColor), brightness(style.color)];
  });
  expect(background).toBeLessThan(40);
  expect(text).toBeGreaterThan(200);
  await shot(page, "users-dark");
  await context.close();
});

test("an administrator issues an admin API token, sees its secret once, and revokes it", async ({ page, request }) => {
  const problems = watchConsole(page);
  await signIn(page, ADMIN.email, ADMIN.password);
  await open(page, "/api-keys");
  const form = page.getByRole("form", { name: "New admin token" });
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(form.getByText("Enter a name")).toBeVisible();
  await expect(form.getByText("Give the token a role in at least one environment")).toBeVisible();
  await form.getByLabel("Name").fill("deploy pipeline");
  await form.getByLabel("Staging").selectOption("publisher");
  await form.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("new-secret").textContent())!.trim();
  expect(secret).toMatch(/^sb_admin_/);
  await shot(page, "api-keys-secret-shown");
  const me = await request.get("/api/admin/v1/me", { headers: { Authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).subject.roles.staging).toBe("publisher");
  await page.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByTestId("new-secret")).toHaveCount(0);
  const row = page.getByTestId("token-row").filter({ hasText: "deploy pipeline" });
  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("button", { name: "Yes" }).click();
  await expect(page.getByTestId("token-row").filter({ hasText: "deploy pipeline" })).toContainText("revoked");
  const after = await request.get("/api/admin/v1/me", { headers: { Authorization: `Bearer ${secret}` } });
  expect(after.status()).toBe(401);
  expect(problems).toEqual([]);
});

test("an administrator adds and renames an environment", async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/environments");
  const form = page.getByRole("form", { name: "New environment" });
  await form.getByLabel("Key").fill("QA env");
  await expect(form.locator("[data-field-error=key]")).toHaveText(
    "Use lowercase letters, digits and dashes, starting with a letter or digit",
  );
  await form.getByLabel("Key").fill("qa");
  await form.getByLabel("Name").fill("QA");
  await form.getByRole("button", { name: "Create environment" }).click();
  const row = page.locator("[data-testid=environment-row][data-key=qa]");
  await expect(row).toContainText("QA");
  await row.getByRole("button", { name: "Edit" }).click();
  await row.getByLabel("Name").fill("Quality assurance");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("[data-testid=environment-row][data-key=qa]")).toContainText("Quality assurance");
  await expect(page.getByTestId("env-switcher").locator("option[value=qa]")).toHaveCount(1);
  expect(problems).toEqual([]);
});
