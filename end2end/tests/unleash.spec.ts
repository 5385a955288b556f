import { APIRequestContext, expect, test } from "@playwright/test";
import { startUnleash } from "unleash-client";
import { tmpdir } from "node:os";
import { ADMIN, apiAs, appOnOtherOrigin, flag, sdkKey, unique } from "./helpers";

/** The flags both SDKs are compared on (rollouts, constraints, variants of every kind, a
 * prerequisite, a switched-off flag) and a staging SDK key. */
async function flagsToCompare(baseURL: string): Promise<{ api: APIRequestContext; flags: string[]; secret: string }> {
  const api = await apiAs(baseURL, ADMIN.email, ADMIN.password);
  const p = unique("unl").toLowerCase();
  const canada = { attribute: "country", operator: "IN", values: ["CA"] };
  const pro = { attribute: "plan", operator: "IN", values: ["pro"] };
  await flag(api, `${p}-rollout`, "boolean", [], {
    enabled: true, off_variant: "off", default_variant: "off",
    rules: [
      { id: "ca", constraints: [canada], serve: { type: "variant", variant: "on" } },
      { id: "some", rollout: { percentage: 30 }, serve: { type: "variant", variant: "on" } },
    ],
  });
  await flag(api, `${p}-theme`, "string", [{ key: "red", value: "#f00" }, { key: "blue", value: "#00f" }, { key: "green", value: "#0f0" }], {
    enabled: true, off_variant: "red", default_variant: "red",
    rules: [
      { id: "pro", constraints: [pro], serve: { type: "variant", variant: "blue" } },
      { id: "test", rollout: { percentage: 80, group_id: "exp" }, serve: { type: "split", total: 1000, variants: [{ variant: "red", weight: 300 }, { variant: "green", weight: 700 }] } },
    ],
  });
  await flag(api, `${p}-limit`, "number", [{ key: "small", value: 3 }, { key: "big", value: 2.5 }], {
    enabled: true, off_variant: "small", default_variant: "big",
    rules: [{ id: "ca", constraints: [canada], serve: { type: "variant", variant: "small" } }],
  });
  await flag(api, `${p}-layout`, "json", [{ key: "narrow", value: { columns: 1 } }], {
    enabled: true, off_variant: "narrow", default_variant: "narrow",
  });
  await flag(api, `${p}-gated`, "boolean", [], {
    enabled: true, off_variant: "off", default_variant: "on",
    prerequisites: [{ flag: `${p}-rollout`, variants: ["on"] }],
  });
  await flag(api, `${p}-off`, "boolean", [], { enabled: false, off_variant: "off", default_variant: "on" });
  const secret = await sdkKey(api, `${p} unleash`);
  return { api, flags: [`${p}-rollout`, `${p}-theme`, `${p}-limit`, `${p}-layout`, `${p}-gated`, `${p}-off`], secret };
}

/** The users compared: every third in Canada, every fourth on the pro plan. */
function user(i: number): { userId: string; properties: Record<string, string> } {
  const properties: Record<string, string> = {};
  if (i % 3 === 0) properties.country = "CA";
  if (i % 4 === 0) properties.plan = "pro";
  return { userId: `user-${i}`, properties };
}

/** Switchboard's own answers for a user, by flag key. */
async function ofrep(api: APIRequestContext, secret: string, { userId, properties }: ReturnType<typeof user>): Promise<Map<string, any>> {
  const bulk = await api.post("/ofrep/v1/evaluate/flags", {
    headers: { Authorization: `Bearer ${secret}` },
    data: { context: { targetingKey: userId, ...properties } },
  });
  expect(bulk.status()).toBe(200);
  return new Map<string, any>((await bulk.json()).flags.map((f: any) => [f.key, f]));
}

/** Does an Unleash answer (enabled, variant) say what OFREP's does? */
function expectSame(label: string, ofrepAnswer: any, enabled: boolean, variant: any) {
  if (typeof ofrepAnswer.value === "boolean") {
    expect(enabled, label).toBe(ofrepAnswer.value);
  } else if (ofrepAnswer.reason === "DISABLED") {
    expect(variant.enabled, label).toBe(false);
  } else {
    const value = variant.payload?.type === "json" ? JSON.parse(variant.payload.value) :
      variant.payload?.type === "number" ? Number(variant.payload.value) : variant.payload?.value;
    expect([variant.name, value], label).toEqual([ofrepAnswer.variant, ofrepAnswer.value]);
  }
}

test("Unleash's Node SDK pointed at Switchboard answers as OFREP does, for 2,000 users", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const { api, flags, secret } = await flagsToCompare(baseURL!);
  const unleash = await startUnleash({
    url: `${baseURL}/api/`,
    appName: "switchboard-e2e",
    customHeaders: { Authorization: secret },
    disableMetrics: true,
    refreshInterval: 60_000,
    backupPath: tmpdir(),
  });
  try {
    let enabled = 0;
    // OFREP's answers fetched 25 users at a time (one at a time takes minutes with tracing on).
    for (let first = 0; first < 2000; first += 25) {
      const users = Array.from({ length: 25 }, (_, n) => user(first + n));
      const answers = await Promise.all(users.map((ctx) => ofrep(api, secret, ctx)));
      users.forEach((ctx, n) => {
        for (const key of flags) {
          const on = unleash.isEnabled(key, ctx);
          expectSame(`${key} for ${ctx.userId}`, answers[n].get(key), on, unleash.getVariant(key, ctx));
          if (on && typeof answers[n].get(key).value === "boolean") enabled++;
        }
      });
    }
    // Both answers occur, so agreement is not all "off".
    expect(enabled).toBeGreaterThan(500);
  } finally {
    unleash.destroy();
  }
});

test("Unleash's frontend SDK in a browser app on another origin answers as OFREP does", async ({ baseURL, browser }) => {
  test.setTimeout(120_000);
  const { api, flags, secret } = await flagsToCompare(baseURL!);
  // unleash-proxy-client, unchanged, pointed at /api/frontend; no polling: each context change
  // fetches the caller's toggles.
  const { app, close } = await appOnOtherOrigin(browser, `
    import { UnleashClient, InMemoryStorageProvider } from "unleash-proxy-client";
    window.start = async (url, clientKey) => {
      window.client = new UnleashClient({ url, clientKey, appName: "shop", disableRefresh: true,
        disableMetrics: true, storageProvider: new InMemoryStorageProvider() });
      await window.client.start();
    };
    window.answers = async (userId, properties, flags) => {
      await window.client.updateContext({ userId, properties });
      return flags.map((f) => [window.client.isEnabled(f), window.client.getVariant(f)]);
    };`);
  try {
    await app.evaluate(([url, key]) => (window as any).start(url, key), [`${baseURL}/api/frontend`, secret] as const);
    let enabled = 0;
    for (let i = 0; i < 300; i++) {
      const ctx = user(i);
      const answers = await ofrep(api, secret, ctx);
      const got: [boolean, any][] = await app.evaluate(
        ([u, props, keys]) => (window as any).answers(u, props, keys), [ctx.userId, ctx.properties, flags] as const);
      flags.forEach((key, n) => {
        expectSame(`${key} for ${ctx.userId}`, answers.get(key), got[n][0], got[n][1]);
        if (got[n][0] && typeof answers.get(key).value === "boolean") enabled++;
      });
    }
    expect(enabled).toBeGreaterThan(75);
  } finally {
    close();
  }
});
