import { expect, test } from "@playwright/test";
import { ErrorCode, OpenFeature, StandardResolutionReasons } from "@openfeature/server-sdk";
import { OFREPProvider } from "@openfeature/ofrep-provider";
import { ADMIN, apiAs, appOnOtherOrigin, flag, open, sdkKey, signIn, unique, watchConsole } from "./helpers";

test("OpenFeature's Node provider: every flag kind with OpenFeature's reasons, variants and error codes", async ({ baseURL }) => {
  const api = await apiAs(baseURL!, ADMIN.email, ADMIN.password);
  const p = unique("node").toLowerCase();
  const canada = { attribute: "country", operator: "IN", values: ["CA"] };
  await flag(api, `${p}-bool`, "boolean", [], {
    enabled: true, off_variant: "off", default_variant: "off",
    rules: [{ id: "ca", constraints: [canada], serve: { type: "variant", variant: "on" } }],
  });
  await flag(api, `${p}-string`, "string", [{ key: "red", value: "#f00" }, { key: "blue", value: "#00f" }], {
    enabled: true, off_variant: "red", default_variant: "red",
    rules: [{ id: "ca", constraints: [canada], serve: { type: "variant", variant: "blue" } }],
  });
  await flag(api, `${p}-number`, "number", [{ key: "small", value: 3 }, { key: "half", value: 0.5 }], {
    enabled: true, off_variant: "small", default_variant: "half",
  });
  await flag(api, `${p}-json`, "json", [{ key: "v1", value: { columns: 2 } }], {
    enabled: true, off_variant: "v1", default_variant: "v1",
  });
  await flag(api, `${p}-rollout`, "boolean", [], {
    enabled: true, off_variant: "off", default_variant: "off",
    rules: [{ id: "half", rollout: { percentage: 50 }, serve: { type: "variant", variant: "on" } }],
  });
  await flag(api, `${p}-off`, "boolean", [], { enabled: false, off_variant: "off", default_variant: "on" });
  const secret = await sdkKey(api, `${p} node`);

  await OpenFeature.setProviderAndWait(p, new OFREPProvider({ baseUrl: baseURL!, headers: [["Authorization", `Bearer ${secret}`]] }));
  const client = OpenFeature.getClient(p);
  const ca = { targetingKey: "user-1", country: "CA" };
  const fr = { targetingKey: "user-1", country: "FR" };
  const got = (d: { value: unknown; reason?: string; variant?: string; errorCode?: string }) =>
    [d.value, d.reason, d.variant, d.errorCode];
  // (evaluation, expected [value, reason, variant, error code]): by hand from the settings above.
  const table: [Promise<any>, unknown[]][] = [
    [client.getBooleanDetails(`${p}-bool`, false, ca), [true, StandardResolutionReasons.TARGETING_MATCH, "on", undefined]],
    [client.getBooleanDetails(`${p}-bool`, true, fr), [false, StandardResolutionReasons.DEFAULT, "off", undefined]],
    [client.getStringDetails(`${p}-string`, "?", ca), ["#00f", StandardResolutionReasons.TARGETING_MATCH, "blue", undefined]],
    [client.getNumberDetails(`${p}-number`, 0, fr), [0.5, StandardResolutionReasons.STATIC, "half", undefined]],
    [client.getObjectDetails(`${p}-json`, {}, fr), [{ columns: 2 }, StandardResolutionReasons.STATIC, "v1", undefined]],
    [client.getBooleanDetails(`${p}-off`, true, fr), [false, StandardResolutionReasons.DISABLED, "off", undefined]],
    [client.getBooleanDetails(`${p}-missing`, true, fr), [true, StandardResolutionReasons.ERROR, undefined, ErrorCode.FLAG_NOT_FOUND]],
    [client.getBooleanDetails(`${p}-string`, true, fr), [true, StandardResolutionReasons.ERROR, undefined, ErrorCode.TYPE_MISMATCH]],
    [client.getBooleanDetails(`${p}-rollout`, true, { country: "FR" }), [true, StandardResolutionReasons.ERROR, undefined, ErrorCode.TARGETING_KEY_MISSING]],
  ];
  for (const [evaluation, expected] of table) {
    expect(got(await evaluation)).toEqual(expected);
  }
  await OpenFeature.setProviderAndWait(`${p}-refused`, new OFREPProvider({ baseUrl: baseURL!, headers: [["Authorization", "Bearer sb_sdk_not_a_key"]] }));
  const refused = await OpenFeature.getClient(`${p}-refused`).getBooleanDetails(`${p}-bool`, true, ca);
  expect([refused.value, refused.errorCode]).toEqual([true, ErrorCode.GENERAL]);
  await OpenFeature.close();
});

test("OpenFeature's web provider follows a switch in the dashboard through the event stream, with polling off", async ({ page, browser, baseURL }) => {
  const problems = watchConsole(page);
  const api = await apiAs(baseURL!, ADMIN.email, ADMIN.password);
  const key = unique("live").toLowerCase();
  await flag(api, key, "boolean", [], { enabled: false, off_variant: "off", default_variant: "on" });
  const secret = await sdkKey(api, `${key} web`);

  // A browser app on another origin: OpenFeature's web SDK with the OFREP web provider,
  // unchanged, polling switched off, so only the event stream can bring the change.
  const { app, close } = await appOnOtherOrigin(browser, `
    import { OpenFeature, ProviderEvents } from "@openfeature/web-sdk";
    import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
    window.changes = 0;
    window.start = async (baseUrl, secret, flag) => {
      await OpenFeature.setContext({ targetingKey: "user-1" });
      await OpenFeature.setProviderAndWait(new OFREPWebProvider({ baseUrl, headers: [["Authorization", "Bearer " + secret]], pollInterval: 0 }));
      const client = OpenFeature.getClient();
      client.addHandler(ProviderEvents.ConfigurationChanged, () => { window.changes += 1; });
      window.value = () => client.getBooleanValue(flag, false);
      return window.value();
    };`);
  const streams: string[] = [];
  app.on("request", (r) => { if (r.url().includes("/ofrep/v1/events")) streams.push(r.url()); });
  const before = await app.evaluate(([base, s, flag]) => (window as any).start(base, s, flag), [baseURL!, secret, key] as const);
  expect(before).toBe(false);
  await expect.poll(() => streams.length).toBeGreaterThan(0);

  // Switched on in the dashboard.
  await signIn(page, ADMIN.email, ADMIN.password);
  await open(page, `/flags/${key}`);
  await page.getByTestId("env-switcher").selectOption("staging");
  await page.getByRole("region", { name: "Kill switch" }).getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("flag-state")).toHaveText("on");

  await expect.poll(() => app.evaluate(() => (window as any).value()), { timeout: 5_000 }).toBe(true);
  expect(await app.evaluate(() => (window as any).changes)).toBeGreaterThan(0);
  close();
  expect(problems).toEqual([]);
});
