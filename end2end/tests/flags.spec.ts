import { expect, Page, test } from "@playwright/test";
import { OpenFeature } from "@openfeature/server-sdk";
import { OFREPProvider } from "@openfeature/ofrep-provider";
import { ADMIN, apiAs, appOnOtherOrigin, bucket, flag, shot, signIn, unique, open, watchConsole } from "./helpers";

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
  const { app, close } = await appOnOtherOrigin(browser, `
    import { OpenFeature } from "@openfeature/web-sdk";
    import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
    window.evaluate = async (baseUrl, secret, flag, context) => {
      await OpenFeature.setContext(context);
      await OpenFeature.setProviderAndWait(new OFREPWebProvider({ baseUrl, headers: [["Authorization", "Bearer " + secret]], changeDetection: "none" }));
      return OpenFeature.getClient().getBooleanDetails(flag, false);
    };`);
  const web = await app.evaluate(
    ([base, s, flag, user]) => (window as any).evaluate(base, s, flag, { targetingKey: user, country: "CA" }),
    [baseURL!, secret, key, inside] as const,
  );
  close();
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

test("a prerequisite gates a flag: chosen in the editor, evaluated in Try a context, shown on the other flag", async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const api = await apiAs(baseURL!, ADMIN.email, ADMIN.password);
  const parent = unique("login").toLowerCase();
  const child = unique("pay").toLowerCase();
  for (const key of [parent, child]) {
    const res = await api.post("/rpc/flags/create", { data: { input: { key, name: key, kind: "boolean" } } });
    expect(res.status(), await res.text()).toBe(200);
  }
  await signIn(page, ADMIN.email, ADMIN.password);
  await open(page, `/flags/${child}`);
  await chooseEnvironment(page, "staging");
  await expect(page.getByRole("tab", { name: /Staging/ })).toHaveAttribute("aria-selected", "true");
  await page.getByRole("region", { name: "Kill switch" }).getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("flag-state")).toHaveText("on");
  await expect(page.getByTestId("try-reason")).toHaveText("STATIC");

  // Requiring the other flag to serve `on`: it is off in staging, so it serves `off`.
  const prerequisites = page.getByRole("region", { name: "Prerequisites" });
  await prerequisites.getByRole("button", { name: "+ Add prerequisite" }).click();
  await prerequisites.getByLabel("Prerequisite flag").selectOption(parent);
  await expect(prerequisites.getByLabel(`${parent} serves on`)).toBeChecked();
  await expect(page.getByTestId("try-reason")).toHaveText("DISABLED");
  await expect(page.getByTestId("try-result")).toContainText("a prerequisite is not met");
  await expect(page.getByTestId("try-trace")).toContainText(`Prerequisite ${parent}: not met: it serves off`);
  // No variant at all is refused before it reaches the server.
  await prerequisites.getByLabel(`${parent} serves on`).uncheck();
  await expect(prerequisites).toContainText(`Choose at least one variant of ${parent}`);
  await expect(page.getByRole("button", { name: "Save rules" })).toBeDisabled();
  // "Only while the other is off" holds now.
  await prerequisites.getByLabel(`${parent} serves off`).check();
  await expect(page.getByTestId("try-reason")).toHaveText("STATIC");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await expect(prerequisites.getByLabel(`${parent} serves off`)).toBeChecked();

  // The other flag's page says what requires it and offers it no prerequisites of its own.
  await open(page, `/flags/${parent}`);
  const theirs = page.getByRole("region", { name: "Prerequisites" });
  await expect(theirs.getByTestId("required-by")).toContainText(`Required here by ${child} (serving off)`);
  await expect(theirs.getByRole("button", { name: "+ Add prerequisite" })).toHaveCount(0);
  expect(problems).toEqual([]);
});

test("staging's rules are promoted to production after reading the diff, and apps there see them", async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const api = await apiAs(baseURL!, ADMIN.email, ADMIN.password);
  const key = unique("promote").toLowerCase();
  await flag(api, key, "boolean", [], {
    enabled: true,
    off_variant: "off",
    default_variant: "off",
    rules: [{ id: "pro", constraints: [{ attribute: "plan", operator: "IN", values: ["pro"] }], serve: { type: "variant", variant: "on" } }],
  });
  let res = await api.post("/rpc/flags/save-settings", {
    data: { input: { flag: key, environment: "production", version: 0, enabled: true, off_variant: "off", default_variant: "off", rules: [] } },
  });
  expect(res.status(), await res.text()).toBe(200);
  res = await api.post("/rpc/sdk-keys/create", { data: { input: { environment: "production", name: key } } });
  expect(res.status(), await res.text()).toBe(200);
  const secret = (await res.json()).secret;
  const evaluate = async () => {
    const answer = await fetch(`${baseURL}/ofrep/v1/evaluate/flags/${key}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
      body: JSON.stringify({ context: { targetingKey: "user-1", plan: "pro" } }),
    });
    return answer.json();
  };
  expect((await evaluate()).value).toBe(false);

  await signIn(page, ADMIN.email, ADMIN.password);
  // The flag list compares two environments flag by flag.
  await open(page, "/flags");
  await page.getByRole("button", { name: "Compare environments" }).click();
  const compare = page.getByRole("region", { name: "Compare environments" });
  await compare.getByLabel("Copy from").selectOption("staging");
  await compare.getByLabel("Copy to").selectOption("production");
  const compared = compare.locator(`[data-testid=compared-flag][data-key="${key}"]`);
  await expect(compared.getByRole("listitem")).toHaveText(["Rule pro added"]);
  await compared.getByRole("link", { name: key }).click();
  await expect(page).toHaveURL(new RegExp(`/flags/${key}$`));
  await chooseEnvironment(page, "production");
  await expect(page.getByRole("tab", { name: /Production/ })).toHaveAttribute("aria-selected", "true");
  await page.getByLabel("Copy rules from").selectOption("staging");
  const preview = page.getByTestId("copy-preview");
  await expect(preview).toContainText("Copying staging's settings would change here:");
  await expect(preview.getByRole("listitem")).toHaveText(["Rule pro added"]);
  await page.getByRole("button", { name: "Copy rules from it" }).click();
  await page.getByRole("button", { name: "Yes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Copied." })).toBeVisible();
  // The editor reloads with the saved settings; compared with staging again, nothing is left.
  await page.getByLabel("Copy rules from").selectOption("staging");
  await expect(preview).toContainText("staging's rules and fallbacks are the same as here: copying changes nothing.");
  await expect.poll(async () => (await evaluate()).reason).toBe("TARGETING_MATCH");
  expect((await evaluate()).value).toBe(true);

  // From staging to every other environment in one step; development had no rules yet.
  await chooseEnvironment(page, "staging");
  await expect(page.getByRole("tab", { name: /Staging/ })).toHaveAttribute("aria-selected", "true");
  await page.getByRole("button", { name: "Copy to every environment" }).click();
  // Production already has them; environments other tests added may be listed too.
  const question = page.getByText(/^Copy the rules here to every other environment\? Changes: /);
  await expect(question).toContainText("Development (1 change)");
  await expect(question).not.toContainText("Production");
  await page.getByRole("button", { name: "Yes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Copied to every other environment." })).toBeVisible();
  await chooseEnvironment(page, "development");
  await page.getByLabel("Copy rules from").selectOption("staging");
  await expect(preview).toContainText("staging's rules and fallbacks are the same as here: copying changes nothing.");
  expect(problems).toEqual([]);
});
