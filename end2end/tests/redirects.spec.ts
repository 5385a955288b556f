import { expect, Page, test } from "@playwright/test";
import { ADMIN } from "./helpers";

// `next` values (as they appear in the address, percent-encoded or not) that browsers would read
// as another origin, or that smuggle one in. Whatever the value, signing in must stay on this site.
const TRICKY_NEXT = [
  "/%09/evil.example",
  "/%0a/evil.example",
  "/%0d%0a/evil.example",
  "%09//evil.example",
  "//evil.example",
  "///evil.example",
  "/%5Cevil.example",
  "%5C/evil.example",
  "/%5C/evil.example",
  "/.//evil.example",
  "/%2e%2e//evil.example",
  "https://evil.example/",
  "http:evil.example",
  "javascript:alert(1)",
  "/login?next=//evil.example",
];

/** Records every host the page asks for (navigations and subresources). */
function hostsOf(page: Page): Set<string> {
  const hosts = new Set<string>();
  page.on("request", (r) => hosts.add(new URL(r.url()).host));
  return hosts;
}

test("signing in with a tricky next never leaves the site", async ({ browser, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  for (const next of TRICKY_NEXT) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const hosts = hostsOf(page);
    await page.goto(`/login?next=${next}`);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page, `next=${next}`).not.toHaveURL(/\/login/);
    expect(new URL(page.url()).origin, `next=${next}`).toBe(origin);
    await expect(page.getByTestId("current-user")).toHaveText("E2E Admin");

    // Signed in, the server itself redirects away from the sign-in page: the same rule holds.
    const res = await page.goto(`/login?next=${next}`);
    expect(res!.ok(), `next=${next}`).toBe(true);
    expect(new URL(page.url()).origin, `next=${next}`).toBe(origin);
    expect([...hosts], `next=${next}`).toEqual([new URL(baseURL!).host]);
    await context.close();
  }
});

test("a safe next is followed after signing in", async ({ page }) => {
  await page.goto(`/login?next=${encodeURIComponent("/users")}`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/users$/);
  // And by the server for someone already signed in.
  await page.goto(`/login?next=${encodeURIComponent("/audit")}`);
  await expect(page).toHaveURL(/\/audit$/);
});
