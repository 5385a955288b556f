import { expect, test } from "@playwright/test";
import { ADMIN, apiAs, signIn, unique, open, watchConsole } from "./helpers";

const SECRET = "s3cret-e2e-value";

test("a secret entry is never shown again and reaches only SDK keys that may read secrets", async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const ns = unique("vault").toLowerCase();
  const admin = await apiAs(baseURL!, ADMIN.email, ADMIN.password);
  const newKey = async (input: Record<string, unknown>) => {
    const res = await admin.post("/rpc/sdk-keys/create", { data: { input: { environment: "staging", name: unique("e2e"), ...input } } });
    expect(res.status(), await res.text()).toBe(200);
    return (await res.json()).secret as string;
  };

  await signIn(page, ADMIN.email, ADMIN.password);
  await open(page, "/config/staging");
  await page.getByRole("button", { name: "New namespace" }).click();
  const nsForm = page.getByRole("form", { name: "New namespace" });
  await nsForm.getByLabel("Key").fill(ns);
  await nsForm.getByRole("button", { name: "Create namespace" }).click();
  await page.getByRole("link", { name: ns }).click();

  await page.getByRole("button", { name: "Add entry" }).click();
  const form = page.getByRole("form", { name: "New entry" });
  await form.getByLabel("Key").fill("db_password");
  await form.getByRole("checkbox", { name: "Secret" }).check();
  await expect(form.getByLabel("Value", { exact: true })).toHaveAttribute("type", "password");
  await form.getByLabel("Value", { exact: true }).fill(SECRET);
  await form.getByRole("button", { name: "Save to draft" }).click();
  const row = page.locator('[data-testid=entry-row][data-key="db_password"]');
  await expect(row.getByTestId("secret-value")).toContainText("••••••••");

  // Edit the description, leave the value empty: the secret is kept.
  await row.getByRole("button", { name: "Details" }).click();
  const edit = page.getByRole("form", { name: "Entry db_password" });
  await expect(edit.getByLabel("Value of db_password")).toHaveValue("");
  await edit.getByLabel("Description").fill("the primary's password");
  await edit.getByRole("button", { name: "Save to draft" }).click();
  await expect(page.getByRole("status")).toContainText("Saved db_password");

  await page.getByRole("button", { name: "Publish…" }).click();
  const dialog = page.getByRole("form", { name: "Publish" });
  await dialog.getByLabel("Message").fill("Add the password");
  await dialog.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Published v1");

  // Nothing on the page holds the value.
  expect(await page.content()).not.toContain(SECRET);

  const url = `${baseURL}/api/v1/config/staging/${ns}`;
  const plain = await fetch(url, { headers: { Authorization: `Bearer ${await newKey({})}` } });
  expect((await plain.json()).values).toEqual({});
  const reader = await fetch(url, { headers: { Authorization: `Bearer ${await newKey({ read_secrets: true, namespaces: [ns] })}` } });
  expect((await reader.json()).values).toEqual({ db_password: SECRET });
  expect(problems).toEqual([]);
});

// A reload of a namespace holding a secret (the page loaded directly, not through a link inside
// the app) hydrates, keeps working, and still never holds the value.
test("a config namespace page loaded directly hydrates and keeps working", async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const ns = unique("vault").toLowerCase();
  const admin = await apiAs(baseURL!, ADMIN.email, ADMIN.password);
  const rpc = async (path: string, input: Record<string, unknown>) => {
    const res = await admin.post(`/rpc/${path}`, { data: { input } });
    expect(res.status(), await res.text()).toBe(200);
  };
  await rpc("config/create", { key: ns, description: "", environment: "staging" });
  await signIn(page, ADMIN.email, ADMIN.password);
  await open(page, `/config/staging/${ns}`);
  await page.getByRole("button", { name: "Add entry" }).click();
  const form = page.getByRole("form", { name: "New entry" });
  await form.getByLabel("Key").fill("token");
  await form.getByRole("checkbox", { name: "Secret" }).check();
  await form.getByLabel("Value", { exact: true }).fill(SECRET);
  await form.getByRole("button", { name: "Save to draft" }).click();
  await expect(page.locator('[data-testid=entry-row][data-key="token"]')).toBeVisible();
  await page.reload();
  await expect(page.locator('[data-testid=entry-row][data-key="token"]')).toBeVisible();
  expect(await page.content()).not.toContain(SECRET);
  expect(problems).toEqual([]);
});
