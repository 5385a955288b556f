import { expect, Page, test } from "@playwright/test";
import { OpenFeature } from "@openfeature/server-sdk";
import { OFREPProvider } from "@openfeature/ofrep-provider";
import { buildSync } from "esbuild";
import { createServer } from "node:http";
import { AddressInfo } from "node:net";
import { join } from "node:path";
import { ADMIN, bucket, shot, signIn, unique, open, watchConsole } from "./helpers";

async function chooseEnvironment(page: Page, key: string) {
  await page.getByTestId("env-switcher").selectOption(key);
}

test("create a flag, target it, try a context, turn it on in production, evaluate it with OpenFeature", async ({ page, baseURL, browser }) => {
  const problems = watchConsole(page);
  const key = unique("checkout").toLowerCase();
  // Users inside and outside the 25% rollout, bucketed as the server will.
  const ids = Array.from({ length: 500 }, (_, i) => `user-${i}`);
  const inside = ids.find((u) => bucket(key, u) <= 25)!;
  const outside = ids.find((u) => bucket(key, u) > 25)!;

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/flags/new");
  const form = page.getByRole("form", { name: "New flag" });
  await form.getByLabel("Key").fill("Bad Key");
  await expect(form.locator("[data-field-error=key]")).toContainText("Use lowercase letters");
  await form.getByLabel("Key").fill(key);
  await form.getByLabel("Name").fill("E2E checkout");
  await form.getByRole("button", { name: "Create flag" }).click();
  await expect(page).toHaveURL(new RegExp(`/flags/${key}$`));

  await chooseEnvironment(page, "production");
  await expect(page.getByRole("tab", { name: /Production/ })).toHaveAttribute("aria-selected", "true");
  await page.getByRole("button", { name: "+ Add rule" }).click();
  const rule = page.getByRole("region", { name: "Rule 1" });
  await rule.getByRole("button", { name: "+ Add constraint" }).click();
  await rule.getByLabel("Attribute", { exact: true }).fill("country");
  await rule.getByLabel("Values").fill("CA");
  await rule.getByLabel("Percentage rollout").check();
  await rule.getByRole("spinbutton", { name: "Rollout percent" }).fill("250");
  await expect(rule.getByText("Use a percentage from 0 to 100")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save rules" })).toBeDisabled();
  await rule.getByRole("spinbutton", { name: "Rollout percent" }).fill("25");

  // Try a context, on the unsaved rules. The flag is still off in production.
  const tryPanel = page.getByTestId("try-context");
  await tryPanel.getByLabel("targetingKey").fill(inside);
  await expect(page.getByTestId("try-reason")).toHaveText("DISABLED");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByRole("status")).toContainText("Saved");

  // Turning it on in a protected environment asks first.
  await page.getByRole("region", { name: "Kill switch" }).getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("Production is protected.")).toBeVisible();
  await page.getByRole("button", { name: "Yes" }).click();
  await expect(page.getByTestId("flag-state")).toHaveText("on");
  await expect(page.getByRole("tab", { name: /Production/ })).toContainText("on");

  await expect(page.getByTestId("try-reason")).toHaveText("SPLIT");
  await expect(page.getByTestId("try-rule")).toHaveText("Rule 1");
  await expect(page.getByTestId("try-variant")).toHaveText("on");
  await tryPanel.getByLabel("targetingKey").fill(outside);
  await expect(page.getByTestId("try-reason")).toHaveText("DEFAULT");
  await expect(page.getByTestId("try-trace")).toContainText("outside the 25% rollout");
  await tryPanel.getByLabel("targetingKey").fill(inside);
  await tryPanel.getByLabel("Attribute value").fill("FR");
  await expect(page.getByTestId("try-trace")).toContainText('country is "FR"');
  await shot(page, "flag-page");
  await expect(page.getByRole("region", { name: "History" })).toContainText("enable");

  // An SDK key for production, shown once.
  await page.goto("/api-keys");
  const keys = page.getByRole("region", { name: "SDK keys" });
  await expect(keys).toContainText("SDK keys of Production");
  await keys.getByLabel("Key name").fill("e2e app");
  await keys.getByRole("button", { name: "Create SDK key" }).click();
  const secret = (await page.getByTestId("new-secret").first().textContent())!.trim();
  expect(secret).toMatch(/^sb_sdk_/);
  await shot(page, "api-keys-sdk");

  // A real OpenFeature client, server-side (Node).
  await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: baseURL!, headers: [["Authorization", `Bearer ${secret}`]] }));
  const client = OpenFeature.getClient();
  const yes = await client.getBooleanDetails(key, false, { targetingKey: inside, country: "CA" });
  expect([yes.value, yes.variant, yes.reason]).toEqual([true, "on", "SPLIT"]);
  const no = await client.getBooleanDetails(key, true, { targetingKey: outside, country: "CA" });
  expect([no.value, no.variant, no.reason]).toEqual([false, "off", "DEFAULT"]);
  const elsewhere = await client.getBooleanDetails(key, true, { targetingKey: inside, country: "FR" });
  expect(elsewhere.value).toBe(false);
  const missing = await client.getBooleanDetails("no-such-flag", true, { targetingKey: inside });
  expect([missing.value, missing.errorCode]).toEqual([true, "FLAG_NOT_FOUND"]);
  const noKey = await client.getBooleanDetails(key, true, { country: "CA" });
  expect([noKey.value, noKey.errorCode]).toEqual([true, "TARGETING_KEY_MISSING"]);
  await OpenFeature.close();

  // And OpenFeature's web provider in a browser page of another origin (bulk evaluation, CORS).
  const bundle = buildSync({
    stdin: {
      contents: `
        import { OpenFeature } from "@openfeature/web-sdk";
        import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
        window.evaluate = async (baseUrl, secret, flag, context) => {
          await OpenFeature.setContext(context);
          await OpenFeature.setProviderAndWait(new OFREPWebProvider({ baseUrl, headers: [["Authorization", "Bearer " + secret]], changeDetection: "none" }));
          return OpenFeature.getClient().getBooleanDetails(flag, false);
        };`,
      resolveDir: join(__dirname, ".."),
    },
    bundle: true,
    format: "iife",
    write: false,
  }).outputFiles[0].text;
  // A real server on another loopback origin: Chromium refuses requests from a routed (public)
  // page to a local address, so the shop must itself be local to be a fair cross-origin test.
  const shop = createServer((_, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(`<!doctype html><html><body><script>${bundle}</script>shop</body></html>`);
  });
  await new Promise<void>((ready) => shop.listen(0, "127.0.0.1", ready));
  const app = await (await browser.newContext()).newPage();
  await app.goto(`http://127.0.0.1:${(shop.address() as AddressInfo).port}/`);
  const web = await app.evaluate(
    ([base, s, flag, user]) => (window as any).evaluate(base, s, flag, { targetingKey: user, country: "CA" }),
    [baseURL!, secret, key, inside] as const,
  );
  shop.close();
  expect([web.value, web.variant, web.reason]).toEqual([true, "on", "SPLIT"]);
  expect(problems).toEqual([]);
});

test("segments are defined once and offered to rules", async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, ADMIN.email, ADMIN.password);
  await open(page, "/segments");
  await page.getByRole("button", { name: "New segment" }).click();
  const form = page.getByRole("form", { name: "Segment" });
  await form.getByLabel("Key").fill("beta-testers");
  await form.getByLabel("Name").fill("Beta testers");
  await form.getByRole("button", { name: "Save segment" }).click();
  await expect(form.getByText("Add at least one constraint").first()).toBeVisible();
  await form.getByRole("button", { name: "+ Add constraint" }).click();
  await form.getByLabel("Attribute", { exact: true }).fill("plan");
  await form.getByLabel("Values").fill("beta, staff");
  await form.getByRole("button", { name: "Save segment" }).click();
  await expect(page.getByTestId("segment-row")).toContainText("Beta testers");
  await shot(page, "segments");

  const key = unique("beta-ui").toLowerCase();
  await page.goto("/flags/new");
  await page.getByRole("form", { name: "New flag" }).getByLabel("Key").fill(key);
  await page.getByRole("form", { name: "New flag" }).getByLabel("Name").fill("Beta UI");
  await page.getByRole("button", { name: "Create flag" }).click();
  await expect(page).toHaveURL(new RegExp(`/flags/${key}$`));
  await page.getByRole("button", { name: "+ Add rule" }).click();
  await page.getByRole("region", { name: "Rule 1" }).getByLabel("Beta testers").check();
  const tryPanel = page.getByTestId("try-context");
  await tryPanel.getByLabel("Attribute name").fill("plan");
  await tryPanel.getByLabel("Attribute value").fill("free");
  await page.getByRole("region", { name: "Kill switch" }).getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("try-trace")).toContainText("not in segment beta-testers");
  await tryPanel.getByLabel("Attribute value").fill("staff");
  await expect(page.getByTestId("try-reason")).toHaveText("TARGETING_MATCH");
  expect(problems).toEqual([]);
});

test("an Unleash export imports into the current environment", async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, ADMIN.email, ADMIN.password);
  await open(page, "/flags");
  await page.getByRole("button", { name: "Import from Unleash" }).click();
  const panel = page.getByRole("form", { name: "Import from Unleash" });
  const doc = {
    features: [
      { name: "Imported.Banner", enabled: true, strategies: [{ name: "flexibleRollout", parameters: { rollout: "50", stickiness: "default", groupId: "Imported.Banner" } }] },
      { name: "Imported.Host", enabled: true, strategies: [{ name: "applicationHostname", parameters: { hostNames: "web-1" } }] },
    ],
  };
  await panel.getByLabel("Unleash export JSON").fill(JSON.stringify(doc));
  await panel.getByRole("button", { name: "Import" }).click();
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("Created 1 flag(s)");
  await expect(report).toContainText("Imported.Host");
  await expect(report).toContainText("strategy applicationHostname is not supported");
  await page.getByLabel("Search flags").fill("imported");
  await expect(page.getByTestId("flag-row")).toHaveCount(1);
  await expect(page.locator("[data-testid=flag-row][data-key='imported.banner']")).toContainText("on");
  await shot(page, "flags-list");
  expect(problems).toEqual([]);
});
