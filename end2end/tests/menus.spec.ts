import { APIRequestContext, expect, Page, test } from "@playwright/test";
import { ADMIN, apiAs, shot, signIn, unique, open, watchConsole } from "./helpers";

/** The ids a caller gets from the delivery API, depth first. */
async function fetchIds(api: APIRequestContext, path: string, key: string): Promise<string[]> {
  const res = await api.get(path, { headers: { Authorization: `Bearer ${key}` } });
  expect(res.status(), await res.text()).toBe(200);
  const ids: string[] = [];
  const walk = (items: { id: string; children?: unknown[] }[]) => {
    for (const item of items) {
      ids.push(item.id);
      walk((item.children ?? []) as { id: string; children?: unknown[] }[]);
    }
  };
  walk((await res.json()).items);
  return ids;
}

function row(page: Page, id: string) {
  return page.locator(`[data-tree-id="${id}"] > [data-testid=tree-row]`);
}

/** Fills the selected item's form. */
async function describe(page: Page, fields: { id: string; label: string; target?: string; roles?: string; permissions?: string }) {
  const form = page.getByRole("form", { name: "Item" });
  await form.getByLabel("Id", { exact: true }).fill(fields.id);
  await form.getByLabel("Label", { exact: true }).fill(fields.label);
  if (fields.target !== undefined) await form.getByLabel("Target").fill(fields.target);
  if (fields.roles !== undefined) await form.getByLabel("Roles (any of them)").fill(fields.roles);
  if (fields.permissions !== undefined) await form.getByLabel("Permissions (all of them)").fill(fields.permissions);
}

test("build a two-level menu, drag an item into a group, preview it per role, publish, and fetch it as two users", async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const menu = unique("web").toLowerCase();
  const admin = await apiAs(baseURL!, ADMIN.email, ADMIN.password);
  const created = await admin.post("/rpc/sdk-keys/create", { data: { input: { environment: "staging", name: unique("menu app") } } });
  expect(created.status(), await created.text()).toBe(200);
  const sdkKey: string = (await created.json()).secret;

  await signIn(page, ADMIN.email, ADMIN.password);
  await open(page, "/menus/staging");
  await page.getByRole("button", { name: "New menu" }).click();
  const menuForm = page.getByRole("form", { name: "New menu" });
  await menuForm.getByLabel("Key").fill("Web Main");
  await expect(menuForm.locator("[data-field-error=key]")).not.toBeEmpty();
  await menuForm.getByLabel("Key").fill(menu);
  await menuForm.getByRole("button", { name: "Create menu" }).click();
  await page.getByRole("link", { name: menu }).click();
  await expect(page).toHaveURL(new RegExp(`/menus/staging/${menu}$`));

  // Home, a group for support staff with one link, and a top-level Refunds link.
  await page.getByRole("button", { name: "+ Link" }).click();
  await describe(page, { id: "home", label: "Home", target: "/" });
  await page.getByRole("button", { name: "+ Group" }).click();
  await describe(page, { id: "orders", label: "Orders", roles: "support, admin" });
  await page.getByRole("button", { name: "+ Link" }).click();
  await describe(page, { id: "orders.list", label: "All orders", target: "/orders" });
  await row(page, "home").click();
  await page.getByRole("button", { name: "+ Link" }).click();
  await describe(page, { id: "refunds", label: "Refunds", target: "javascript:alert(1)", permissions: "orders:refund" });
  // The shared rules refuse the link before anything is saved.
  await expect(page.locator("[data-field-error=menu-item-target]")).toContainText("javascript: links are not allowed");
  await expect(row(page, "refunds").getByTestId("item-problem")).toBeVisible();
  await expect(page.getByTestId("save-draft")).toBeEnabled();
  await page.getByRole("form", { name: "Item" }).getByLabel("Target").fill("/orders/refunds");
  await expect(page.locator("[data-field-error=menu-item-target]")).toBeEmpty();
  await expect(page.locator('[data-tree-id="orders"] [data-tree-id="refunds"]')).toHaveCount(0);

  // Drag Refunds into the Orders group.
  await row(page, "refunds").dragTo(row(page, "orders"));
  await expect(page.locator('[data-tree-id="orders"] [data-tree-id="refunds"]')).toHaveCount(1);
  await expect(page.getByTestId("announcement")).toContainText("Refunds moved");

  // The keyboard moves items too, and says where they went.
  await row(page, "orders.list").click();
  await page.locator('[data-tree-id="orders.list"]').press("Alt+ArrowDown");
  await expect(page.getByTestId("announcement")).toHaveText("All orders moved down, position 2 of 2 in Orders");
  await expect(page.locator('[data-tree-id="orders.list"]')).toBeFocused();
  await page.locator('[data-tree-id="orders.list"]').press("Alt+ArrowUp");
  await expect(page.getByTestId("announcement")).toContainText("position 1 of 2 in Orders");

  // The preview runs the delivery API's filter on the unsaved tree.
  const preview = page.getByTestId("preview");
  const previewLabels = preview.getByTestId("preview-label");
  await expect(previewLabels).toHaveText(["Home"]);
  const previewPanel = page.getByRole("region", { name: "Preview" });
  await previewPanel.getByLabel("Roles").fill("support");
  await expect(previewLabels).toHaveText(["Home", "Orders", "All orders"]);
  await previewPanel.getByLabel("Permissions").fill("orders:refund");
  await expect(previewLabels).toHaveText(["Home", "Orders", "All orders", "Refunds"]);
  await previewPanel.getByLabel("Roles").fill("");
  await expect(previewLabels).toHaveText(["Home"]);
  await shot(page, "menu-editor");

  // Save, then publish with a message.
  await page.getByTestId("save-draft").click();
  await expect(page.getByTestId("announcement")).toContainText("Draft saved");
  await page.getByTestId("publish").click();
  const dialog = page.getByRole("form", { name: "Publish" });
  await expect(dialog.getByTestId("menu-diff")).toContainText("Refunds");
  await dialog.getByRole("button", { name: "Publish" }).click();
  await expect(dialog.locator("[data-field-error=message]")).not.toBeEmpty();
  await dialog.getByLabel("Message").fill("First navigation");
  await dialog.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByTestId("notice")).toContainText("Published v1");
  await expect(page.getByTestId("live-version")).toHaveText("live: v1");
  await expect(page.locator("[data-testid=release-row][data-version='1']")).toContainText("First navigation");

  // Apps get the tree filtered for each user.
  const path = `/api/v1/menus/staging/${menu}`;
  expect(await fetchIds(admin, `${path}?userId=ann&roles=support`, sdkKey)).toEqual(["home", "orders", "orders.list"]);
  expect(await fetchIds(admin, `${path}?userId=bob&roles=admin&permissions=orders:refund`, sdkKey)).toEqual([
    "home",
    "orders",
    "orders.list",
    "refunds",
  ]);
  expect(await fetchIds(admin, path, sdkKey)).toEqual(["home"]);
  expect(problems).toEqual([]);
});

test("a move that would put a group inside itself is refused, and deleting a group asks first", async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, ADMIN.email, ADMIN.password);
  const menu = unique("tabs").toLowerCase();
  await open(page, "/menus/staging");
  await page.getByRole("button", { name: "New menu" }).click();
  await page.getByRole("form", { name: "New menu" }).getByLabel("Key").fill(menu);
  await page.getByRole("form", { name: "New menu" }).getByRole("button", { name: "Create menu" }).click();
  await page.getByRole("link", { name: menu }).click();
  await page.getByRole("button", { name: "+ Group" }).click();
  await describe(page, { id: "outer", label: "Outer" });
  await page.getByRole("button", { name: "+ Group" }).click();
  await describe(page, { id: "inner", label: "Inner" });
  await expect(page.locator('[data-tree-id="outer"] [data-tree-id="inner"]')).toHaveCount(1);
  await row(page, "outer").dragTo(row(page, "inner"));
  await expect(page.getByTestId("announcement")).toContainText("cycle");
  await expect(page.locator('[data-tree-id="outer"] [data-tree-id="inner"]')).toHaveCount(1);

  // Deleting a group takes what is in it, after confirmation.
  await row(page, "outer").click();
  await page.getByRole("form", { name: "Item" }).getByRole("button", { name: "Delete…" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Confirm delete" });
  await expect(confirm).toContainText("Delete Outer and the 1 item(s) in it?");
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(page.locator("[data-tree-id]")).toHaveCount(0);
  await expect(page.getByTestId("announcement")).toHaveText("Deleted Outer");
  expect(problems).toEqual([]);
});
