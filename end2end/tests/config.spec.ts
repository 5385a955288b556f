import { expect, test } from "@playwright/test";
import { ADMIN, apiAs, shot, signIn, unique, open, watchConsole } from "./helpers";

/** A Server-Sent Events client on the config watch stream, as an app would open it. */
class Watcher {
  events: { id: number; values: Record<string, unknown> }[] = [];
  private controller = new AbortController();
  private done: Promise<void>;

  constructor(url: string, key: string) {
    this.done = (async () => {
      const res = await fetch(url, {
        headers: { Authorization: `Bearer ${key}`, "X-Instance-Id": "e2e-watcher" },
        signal: this.controller.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = block.match(/^id:\s*(\d+)/m);
          const data = block.match(/^data:\s*(.*)$/m);
          if (id && data) this.events.push({ id: Number(id[1]), values: JSON.parse(data[1]).values });
        }
      }
    })();
  }

  versions(): number[] {
    return this.events.map((e) => e.id);
  }

  async close() {
    this.controller.abort();
    await this.done.catch(() => undefined);
  }
}

test("edit config in a draft, publish, see the diff, roll back, and watch every version arrive", async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const ns = unique("checkout").toLowerCase();
  const admin = await apiAs(baseURL!, ADMIN.email, ADMIN.password);
  const created = await admin.post("/rpc/sdk-keys/create", { data: { input: { environment: "staging", name: unique("e2e app") } } });
  expect(created.status(), await created.text()).toBe(200);
  const sdkKey: string = (await created.json()).secret;

  await signIn(page, ADMIN.email, ADMIN.password);
  await open(page, "/config/staging");
  await page.getByRole("button", { name: "New namespace" }).click();
  const nsForm = page.getByRole("form", { name: "New namespace" });
  await nsForm.getByLabel("Key").fill("Bad Key");
  await expect(nsForm.locator("[data-field-error=key]")).not.toBeEmpty();
  await nsForm.getByLabel("Key").fill(ns);
  await nsForm.getByLabel("Description").fill("Checkout settings");
  await nsForm.getByRole("button", { name: "Create namespace" }).click();
  await page.getByRole("link", { name: ns }).click();
  await expect(page).toHaveURL(new RegExp(`/config/staging/${ns}$`));

  // A bounded integer, added to the draft.
  await page.getByRole("button", { name: "Add entry" }).click();
  const entryForm = page.getByRole("form", { name: "New entry" });
  await entryForm.getByLabel("Key").fill("retries");
  await entryForm.getByLabel("Type").selectOption("integer");
  await entryForm.getByLabel("Value", { exact: true }).fill("3");
  await entryForm.getByLabel("Minimum").fill("1");
  await entryForm.getByLabel("Maximum").fill("10");
  await entryForm.getByRole("button", { name: "Save to draft" }).click();
  const row = page.locator('[data-testid=entry-row][data-key="retries"]');
  await expect(row.getByTestId("entry-status")).toHaveText("new");

  // Publishing asks for a message.
  await page.getByRole("button", { name: "Publish…" }).click();
  const dialog = page.getByRole("form", { name: "Publish" });
  await expect(dialog.getByTestId("diff")).toContainText("retries");
  await dialog.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(dialog.locator("[data-field-error=message]")).toContainText("Say what this release changes");
  await dialog.getByLabel("Message").fill("First checkout settings");
  await dialog.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Published v1");
  await expect(page.getByTestId("live-version")).toHaveText("live: v1");

  // An app watching the namespace gets the current version at once, then every new one.
  const watcher = new Watcher(`${baseURL}/api/v1/config/staging/${ns}/watch`, sdkKey);
  await expect.poll(() => watcher.versions()).toEqual([1]);
  expect(watcher.events[0].values).toEqual({ retries: 3 });

  // Out of bounds: the shared rule says so before anything is saved.
  const value = row.getByLabel("Value of retries");
  await value.fill("11");
  await expect(row.locator("[data-field-error=value]")).toHaveText("Must be at most 10");
  await expect(row.getByRole("button", { name: "Save", exact: true })).toBeDisabled();
  await value.fill("5");
  await expect(row.locator("[data-field-error=value]")).toBeEmpty();
  await row.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Saved retries");
  await expect(page.getByTestId("pending")).toHaveText("1 pending");

  await page.getByRole("button", { name: "Publish…" }).click();
  await page.getByRole("form", { name: "Publish" }).getByLabel("Message").fill("More retries");
  await page.getByRole("form", { name: "Publish" }).getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Published v2");
  await expect.poll(() => watcher.versions()).toEqual([1, 2]);
  expect(watcher.events[1].values).toEqual({ retries: 5 });

  // History: the diff of v2, then roll back to v1 (published again as v3).
  const v2 = page.locator('[data-testid=release-row][data-version="2"]');
  await v2.getByRole("button", { name: "Diff" }).click();
  const diff = page.getByTestId("release-diff");
  await expect(diff).toContainText("v1 → v2");
  await expect(diff.locator('[data-change="changed"]')).toContainText("3");
  await expect(diff.locator('[data-change="changed"]')).toContainText("5");
  await shot(page, "config-history-diff");
  const v1 = page.locator('[data-testid=release-row][data-version="1"]');
  await v1.getByRole("button", { name: "Roll back to this" }).click();
  await page.getByRole("button", { name: "Yes" }).click();
  await expect(page.getByRole("status")).toContainText("Rolled back: v3 publishes v1 again");
  await expect(page.getByTestId("live-version")).toHaveText("live: v3");
  await expect.poll(() => watcher.versions()).toEqual([1, 2, 3]);
  expect(watcher.events[2].values).toEqual({ retries: 3 });

  // The watcher shows up among the instances.
  await page.getByRole("button", { name: "Refresh" }).click();
  await expect(page.getByTestId("instance-row").filter({ hasText: "e2e-watcher" })).toContainText("watching");
  await watcher.close();
  await shot(page, "config-namespace");
  expect(problems).toEqual([]);
});
