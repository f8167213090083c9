/**
 * The web app end to end, in Debian's Chromium headless shell (driven by playwright-core),
 * against `npm run dev`'s server on the test database: a dispatcher creates a
 * vehicle and a trip and dispatches it to an invited driver; the driver, on a
 * phone-sized screen, starts the trip and shares positions; the dispatcher
 * sees the marker move; a user of another organisation sees none of it. Every
 * screen's screenshot is saved under .artifacts/screenshots (not committed).
 * `.ci/run` installs it; without it, full Chromium serves, and without either the suite is pending.
 */
import { strict as assert } from "assert";
import { createHash, createHmac } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { gzipSync } from "zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DevServer, startDevServer } from "../../scripts/dev-server";
import { CHROMIUM, CHROMIUM_HEADLESS_SHELL, buildWebApp, endToEndBrowser } from "../../scripts/local/web-build";
import { documentsStatements } from "../../components/api";
import { CREDENTIALS, REGION, S3Endpoint, Statement, startS3Endpoint } from "../handlers/s3-endpoint";
import { newOrg, testDatabase } from "../handlers/support";

const ROOT = path.resolve(__dirname, "..", "..");
const SCREENSHOTS = path.join(ROOT, ".artifacts", "screenshots");
const SECRET = "e2e-secret-for-dev-tokens";
/** The dev server's documents bucket (DOCUMENTS_BUCKET's default). */
const BUCKET = "tms-local-documents";
const AXE_SOURCE: string = require("axe-core").source;
/** The JavaScript a first visit downloads, gzipped (the map library, when it comes, loads later). */
const INITIAL_JS_BUDGET_KB = 170;

describe("the end-to-end suite's browser", () => {
  it("is Chromium's headless shell when it is installed (half the CPU of full Chromium), else full Chromium, else none", () => {
    const only =
      (...files: string[]) =>
      (file: string) =>
        files.includes(file);
    assert.equal(endToEndBrowser(only(CHROMIUM, CHROMIUM_HEADLESS_SHELL)), CHROMIUM_HEADLESS_SHELL);
    assert.equal(endToEndBrowser(only(CHROMIUM)), CHROMIUM);
    assert.equal(endToEndBrowser(only()), undefined);
  });
});

describe("the web app in Chromium (end to end)", function () {
  this.timeout(240_000);
  let server: DevServer;
  let browser: Browser;
  let webBuild: string;
  let s3: S3Endpoint;
  const problems: string[] = [];

  before(async function () {
    const executablePath = endToEndBrowser();
    if (!executablePath) return this.skip();
    const webDir = buildWebApp();
    webBuild = webDir;
    // Documents go to a local S3 that checks signatures, the trips role's own IAM statements and the bucket's CORS rule.
    const cors = {
      allowedOrigins: [] as string[],
      allowedMethods: ["PUT", "GET", "HEAD"],
      allowedHeaders: ["content-type", "content-length", "content-md5", "x-amz-*"],
    };
    s3 = await startS3Endpoint(documentsStatements(`arn:aws:s3:::${BUCKET}`, "arn:aws:kms:ap-south-1:123456789012:key/k", REGION) as Statement[], cors);
    server = await startDevServer({
      port: 0,
      databaseUrl: (await testDatabase()).url,
      webDir,
      secret: SECRET,
      s3: { endpoint: s3.url, credentials: CREDENTIALS },
    });
    cors.allowedOrigins.push(server.url);
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await s3?.close();
  });

  /** A page whose console errors and uncaught exceptions fail the run. */
  async function open(context: BrowserContext, site = server.url): Promise<Page> {
    const page = await context.newPage();
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("response", (r) => r.status() >= 400 && problems.push(`${r.request().method()} ${r.url()} answered ${r.status()}`));
    await page.goto(site);
    return page;
  }
  /** Saves the screen's screenshot, and holds it to axe-core: no serious or critical violation. */
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    // Once per page: the script is half a megabyte. Evaluated through DevTools, as the site's CSP (no inline scripts) would refuse a script tag.
    if (!(await page.evaluate(() => "axe" in globalThis))) await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const results = await (
        globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }
      ).axe.run();
      return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
    });
    assert.deepEqual(violations, [], `axe on the ${name} screen`);
  };

  async function signInAs(page: Page, who: { org: string; role: string } | { email: string }) {
    if ("email" in who) {
      await page.getByLabel("Invited user's email", { exact: true }).fill(who.email);
      await page.getByRole("button", { name: "Sign in as this user" }).click();
    } else {
      await page.getByLabel("Organisation", { exact: true }).fill(who.org);
      await page.getByRole("combobox", { name: /^Role/ }).selectOption(who.role);
      await page.getByRole("button", { name: "Sign in with this role" }).click();
    }
    await page.getByRole("button", { name: "Sign out" }).waitFor();
  }

  it(`downloads at most ${INITIAL_JS_BUDGET_KB} KB of JavaScript, gzipped, on a first visit`, () => {
    const html = fs.readFileSync(path.join(webBuild, "index.html"), "utf8");
    const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    assert.ok(scripts.length > 0);
    const kb = scripts.reduce((sum, file) => sum + gzipSync(fs.readFileSync(path.join(webBuild, file))).length, 0) / 1024;
    assert.ok(kb <= INITIAL_JS_BUDGET_KB, `${kb.toFixed(1)} KB`);
  });

  it("runs a trip from dispatch to the driver's positions on the dispatcher's map, and shows another organisation nothing", async () => {
    const org = newOrg();
    const registration = `MH12E2E${Math.floor(Math.random() * 90 + 10)}`;
    const driverEmail = `driver.${Date.now()}@example.in`;
    // 0. An administrator invites the driver.
    const adminPage = await open(await browser.newContext({ viewport: { width: 1280, height: 900 } }));
    await signInAs(adminPage, { org, role: "admin" });
    await adminPage.getByRole("link", { name: "Users" }).click();
    const invite = adminPage.getByRole("form", { name: "Invite a user" });
    await invite.getByLabel("Email").fill(driverEmail);
    await invite.getByLabel("Name").fill("Ravi Kumar");
    await invite.getByRole("button", { name: "Invite" }).click();
    await adminPage.getByRole("row", { name: /Ravi Kumar/ }).waitFor();
    await shot(adminPage, "users");

    // 1. The dispatcher creates a vehicle and a trip, and dispatches it to the driver.
    const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const dispatcher = await open(office);
    await shot(dispatcher, "sign-in");
    await signInAs(dispatcher, { org, role: "dispatcher" });
    await dispatcher.getByRole("link", { name: "Vehicles" }).click();
    await dispatcher.getByLabel("Registration").fill(registration);
    await dispatcher.getByLabel("Height (cm)").fill("380");
    await dispatcher.getByRole("button", { name: "Add vehicle" }).click();
    await dispatcher.getByText(registration).waitFor();
    await shot(dispatcher, "vehicles");

    await dispatcher.getByRole("link", { name: "Trips" }).click();
    await dispatcher.getByText("New trip").click();
    const form = dispatcher.getByRole("form", { name: "New trip" });
    await form.getByLabel("Reference").fill("E2E-1");
    await form.getByRole("group", { name: "From" }).getByLabel("Address").fill("Bhiwandi warehouse");
    await form.getByRole("group", { name: "From" }).getByLabel("Latitude").fill("19.2813");
    await form.getByRole("group", { name: "From" }).getByLabel("Longitude").fill("73.0483");
    await form.getByRole("group", { name: "To" }).getByLabel("Address").fill("Chakan depot");
    await form.getByRole("group", { name: "To" }).getByLabel("Latitude").fill("18.7606");
    await form.getByRole("group", { name: "To" }).getByLabel("Longitude").fill("73.8631");
    await form.getByLabel("Planned start").fill("2030-01-01T09:00");
    await form.getByLabel("Planned end").fill("2030-01-01T15:00");
    await form.getByRole("button", { name: "Create trip" }).click();
    const dispatch = dispatcher.getByRole("form", { name: "Dispatch E2E-1" });
    await dispatch.getByLabel("Vehicle").selectOption({ label: registration });
    await dispatch.getByLabel("Driver").selectOption({ label: "Ravi Kumar" });
    await dispatch.getByRole("button", { name: "Dispatch" }).press("Enter"); // by keyboard
    await dispatcher.locator("tr", { hasText: "E2E-1" }).getByText("Dispatched", { exact: true }).waitFor();
    await shot(dispatcher, "trips");
    // The dispatcher moves the drop to another gate before the driver sets off.
    await dispatcher.getByRole("link", { name: "E2E-1" }).click();
    await dispatcher.getByText("Edit the plan").click();
    const edit = dispatcher.getByRole("form", { name: "Edit E2E-1" });
    await edit.getByRole("group", { name: "To" }).getByLabel("Address").fill("Chakan depot, gate 2");
    await edit.getByRole("button", { name: "Save changes" }).press("Enter");
    await dispatcher.getByRole("status").getByText("Saved.").waitFor();
    await dispatcher.getByText("Bhiwandi warehouse → Chakan depot, gate 2").waitFor();
    await dispatcher.getByRole("link", { name: "← Trips" }).click();

    // 2. The driver, on a phone, starts the trip and shares positions.
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      permissions: ["geolocation"],
      geolocation: { latitude: 19.2813, longitude: 73.0483 },
    });
    const driver = await open(phone);
    await signInAs(driver, { email: driverEmail });
    await driver.getByText("E2E-1").waitFor();
    await driver.getByRole("button", { name: "Start trip" }).press("Enter");
    await driver.getByText("In transit", { exact: true }).waitFor();
    await driver.getByLabel("Share my location").press("Space");
    await driver.getByText(/[1-9]\d* positions? waiting to be sent/).waitFor();
    await driver.getByRole("button", { name: "Send now" }).click();
    await driver.getByText(/^0 positions waiting to be sent/).waitFor();
    const photo = Buffer.from("89504e470d0a1a0a", "hex"); // a PNG's signature is enough for the store
    await driver.getByRole("combobox", { name: /Kind/ }).selectOption("photo");
    await driver.getByLabel("File", { exact: true }).setInputFiles({ name: "pod.png", mimeType: "image/png", buffer: photo });
    await driver.getByRole("button", { name: "Upload" }).click();
    await driver.getByText("1 document attached").waitFor();
    await shot(driver, "driver-mode");

    // 3. The dispatcher sees the vehicle on the map, and then see it move.
    await dispatcher.getByRole("link", { name: "Fleet map" }).click();
    const marker = dispatcher.getByRole("button", { name: new RegExp(`^${registration}, `) });
    await marker.waitFor();
    assert.equal(await marker.getAttribute("data-lat"), "19.2813");
    await phone.setGeolocation({ latitude: 19.05, longitude: 73.12 });
    await driver.getByText(/[1-9]\d* positions? waiting to be sent/).waitFor();
    await driver.getByRole("button", { name: "Send now" }).click();
    await driver.getByText(/^0 positions waiting to be sent/).waitFor();
    await dispatcher.reload();
    await dispatcher.getByRole("button", { name: new RegExp(`^${registration}, `) }).waitFor();
    assert.equal(await dispatcher.getByRole("button", { name: new RegExp(`^${registration}, `) }).getAttribute("data-lat"), "19.05");
    await dispatcher
      .getByRole("row", { name: new RegExp(registration) })
      .getByText(/In transit/)
      .waitFor();
    await shot(dispatcher, "fleet-map");

    // …and attaches a proof of delivery to the trip, then opens it.
    await dispatcher.getByRole("link", { name: "Trips" }).click();
    await dispatcher.getByRole("link", { name: "E2E-1" }).click();
    await dispatcher.getByRole("heading", { name: /Trip E2E-1/ }).waitFor();
    const pdf = Buffer.from("%PDF-1.4\n% proof of delivery, signed at Chakan\n%%EOF\n");
    await dispatcher.getByLabel("File", { exact: true }).setInputFiles({ name: "pod.pdf", mimeType: "application/pdf", buffer: pdf });
    await dispatcher.getByRole("button", { name: "Upload" }).click();
    const link = dispatcher.getByRole("link", { name: "proof of delivery" });
    await link.waitFor();
    await dispatcher.getByText(/positions/).waitFor();
    await shot(dispatcher, "trip-detail");
    const opened = await dispatcher.request.get((await link.getAttribute("href"))!);
    assert.equal(opened.status(), 200);
    assert.deepEqual(await opened.body(), pdf);
    assert.equal(s3.objects.size, 2, "the driver's photo and the dispatcher's PDF, each stored once where the API said");
    await dispatcher.getByRole("link", { name: "photo" }).waitFor();

    // 4. Another organisation's dispatcher sees none of it.
    const stranger = await open(await browser.newContext());
    // By keyboard alone: Tab to each field, type, Tab to the button, Enter (once the form is there: the app loads /config.json first).
    await stranger.getByLabel("Organisation", { exact: true }).waitFor();
    await stranger.keyboard.press("Tab");
    await stranger.keyboard.press("Control+A");
    await stranger.keyboard.type(newOrg());
    await stranger.keyboard.press("Tab");
    await stranger.keyboard.press("ArrowDown"); // dispatcher → driver
    await stranger.keyboard.press("ArrowUp"); // back to dispatcher
    await stranger.keyboard.press("Tab"); // to "Sign in with this role"
    await stranger.keyboard.press("Enter");
    await stranger.getByRole("button", { name: "Sign out" }).waitFor();
    await stranger.getByText("No vehicles yet").waitFor();
    await stranger.getByRole("link", { name: "Trips" }).click();
    await stranger.getByText("No trips match").waitFor();
    assert.equal(await stranger.getByText("E2E-1").count(), 0);
    await shot(stranger, "other-organisation");

    // The dev server's hand-over of a token in the URL (what `npm run bench:web` opens Lighthouse with) signs in, and leaves the URL.
    const { token } = (await (await fetch(`${server.url}/local/sign-in`, { method: "POST", body: JSON.stringify({ org, role: "viewer" }) })).json()) as {
      token: string;
    };
    const handedOver = await (await browser.newContext()).newPage();
    await handedOver.goto(`${server.url}/?devToken=${token}#/trips`);
    await handedOver.getByRole("button", { name: "Sign out" }).waitFor();
    assert.ok(!handedOver.url().includes("devToken"));
    await handedOver.getByText("E2E-1").waitFor();

    assert.deepEqual(problems, [], "no console errors or uncaught exceptions");
  });
  it("draws Amazon Location's base map with tiles signed by the identity pool's credentials, under the site's CSP, and falls back to the plain map without them", async () => {
    const map = {
      styleUrl: `https://maps.geo.${REGION}.amazonaws.com/v2/styles/Standard/descriptor`,
      identityPoolId: `${REGION}:0f6d1e9a-5d0b-4c3e-9a8f-1b2c3d4e5f60`,
      loginProvider: `cognito-idp.${REGION}.amazonaws.com/${REGION}_LocalPool`,
    };
    const mapServer = await startDevServer({ port: 0, databaseUrl: (await testDatabase()).url, webDir: webBuild, secret: SECRET, map });
    try {
      // A vehicle with a position, through the API.
      const org = newOrg();
      const { token } = (await (
        await fetch(`${mapServer.url}/local/sign-in`, { method: "POST", body: JSON.stringify({ org, role: "dispatcher" }) })
      ).json()) as {
        token: string;
      };
      const call = async (route: string, body: unknown) =>
        (
          await fetch(`${mapServer.url}${route}`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify(body),
          })
        ).json();
      const vehicle = (await call("/api/vehicles", { registration: "MH12MAP01" })) as { id: string };
      await call("/api/positions", { positions: [{ vehicleId: vehicle.id, recordedAt: new Date().toISOString(), lat: 18.5204, lng: 73.8567 }] });

      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const identity = await standInIdentityPool(context, { issue: true });
      const tiles = await standInMaps(context);
      const page = await open(context, `${mapServer.url}/?devToken=${token}#/fleet`);
      const marker = page.locator(".live-map").getByRole("button", { name: /^MH12MAP01, / });
      await marker.waitFor();
      assert.equal(await marker.getAttribute("data-lat"), "18.5204");
      await page.locator(".live-map canvas").waitFor();
      await waitFor(() => tiles.signed.length > 0, "a tile request");

      // The identity pool was given the user's ID token, under the user pool's name, and nothing else.
      assert.deepEqual(
        identity.calls.map((c) => c.target),
        ["GetId", "GetCredentialsForIdentity"],
      );
      assert.deepEqual(identity.calls[0].body, { IdentityPoolId: map.identityPoolId, Logins: { [map.loginProvider]: token } });
      assert.deepEqual(identity.calls[1].body, { IdentityId: identity.identityId, Logins: { [map.loginProvider]: token } });
      // Every tile is SigV4-signed for geo-maps with those credentials; the style is public and fetched as it is.
      for (const url of tiles.signed) assertSignedForGeoMaps(url, identity.credentials);
      assert.ok(
        tiles.unsigned.some((u) => u.pathname.endsWith("/descriptor")),
        "the style descriptor, unsigned",
      );
      assert.ok(!tiles.unsigned.some((u) => u.pathname.includes("/tiles/")), "no tile goes unsigned");
      await shot(page, "fleet-map-live");

      // The pool refuses (a disabled user, say): the plain map, and the reason, instead of a blank screen.
      const refused = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await standInIdentityPool(refused, { issue: false });
      await standInMaps(refused);
      const fallback = await refused.newPage();
      fallback.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      await fallback.goto(`${mapServer.url}/?devToken=${token}#/fleet`);
      await fallback
        .getByRole("status")
        .getByText(/The base map is unavailable \(no map credentials: .*\)/)
        .waitFor();
      await fallback
        .locator(".plain-map")
        .getByRole("button", { name: /^MH12MAP01, / })
        .waitFor();
      assert.equal(await fallback.locator(".live-map").count(), 0);
      assert.deepEqual(problems, [], "no console errors or uncaught exceptions");
    } finally {
      await mapServer.close();
    }
  });
});

/** Waits for a condition the page's requests make true. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const CORS = { "access-control-allow-origin": "*", "access-control-allow-headers": "*", "access-control-allow-methods": "GET, POST" };

/**
 * Amazon Cognito's identity endpoint as the browser SDK calls it (AWS JSON 1.1,
 * `X-Amz-Target`): GetId, then GetCredentialsForIdentity, each given the
 * user pool's ID token in `Logins`. With `issue: false` it refuses as it does
 * a disabled user's token.
 */
async function standInIdentityPool(context: BrowserContext, { issue }: { issue: boolean }) {
  const identityId = `${REGION}:5a0d6c1e-7f43-4a52-9f55-3c2b1d0e9a87`;
  const credentials = { AccessKeyId: "ASIAMAPREADER", SecretKey: "map-reader-secret-for-tests", SessionToken: `session-${Date.now()}` };
  const calls: { target: string; body: unknown }[] = [];
  await context.route(`https://cognito-identity.${REGION}.amazonaws.com/**`, async (route) => {
    const request = route.request();
    if (request.method() === "OPTIONS") return route.fulfill({ status: 204, headers: CORS });
    const target = String((await request.allHeaders())["x-amz-target"]).replace("AWSCognitoIdentityService.", "");
    calls.push({ target, body: request.postDataJSON() });
    const json = (status: number, body: unknown) =>
      route.fulfill({ status, headers: { ...CORS, "content-type": "application/x-amz-json-1.1" }, body: JSON.stringify(body) });
    if (!issue) return json(400, { __type: "NotAuthorizedException", message: "Token is not from a supported provider of this identity pool." });
    if (target === "GetId") return json(200, { IdentityId: identityId });
    if (target === "GetCredentialsForIdentity")
      return json(200, { IdentityId: identityId, Credentials: { ...credentials, Expiration: Math.floor(Date.now() / 1000) + 3600 } });
    return json(400, { __type: "InvalidParameterException", message: `no ${target} here` });
  });
  return { calls, identityId, credentials };
}

/** Amazon Location's Maps V2 endpoint: a one-layer raster style, and a plain tile for every tile request. */
async function standInMaps(context: BrowserContext) {
  const signed: URL[] = [];
  const unsigned: URL[] = [];
  const tile = await plainTile(context);
  await context.route(`https://maps.geo.${REGION}.amazonaws.com/**`, async (route) => {
    const url = new URL(route.request().url());
    (url.searchParams.has("X-Amz-Signature") ? signed : unsigned).push(url);
    if (url.pathname.endsWith("/descriptor")) {
      const style = {
        version: 8,
        sources: { basemap: { type: "raster", tiles: [`${url.origin}/v2/tiles/raster.satellite/{z}/{x}/{y}`], tileSize: 256, maxzoom: 18 } },
        layers: [{ id: "basemap", type: "raster", source: "basemap" }],
      };
      return route.fulfill({ status: 200, headers: { ...CORS, "content-type": "application/json" }, body: JSON.stringify(style) });
    }
    return route.fulfill({ status: 200, headers: { ...CORS, "content-type": "image/png" }, body: tile });
  });
  return { signed, unsigned };
}

/** A 256-pixel square PNG of one colour, drawn by the browser itself. */
async function plainTile(context: BrowserContext): Promise<Buffer> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 256, height: 256 });
  await page.setContent('<body style="margin:0;background:#d7e6cf"></body>');
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 256, height: 256 } });
  await page.close();
  return png;
}

/**
 * A presigned SigV4 URL for geo-maps, checked as AWS checks it: the
 * credential scope, the session token, and the signature recomputed from the
 * canonical request (GET, the host header, the empty payload's hash).
 */
function assertSignedForGeoMaps(url: URL, credentials: { AccessKeyId: string; SecretKey: string; SessionToken: string }): void {
  const q = url.searchParams;
  const amzDate = q.get("X-Amz-Date")!;
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${REGION}/geo-maps/aws4_request`;
  assert.equal(q.get("X-Amz-Algorithm"), "AWS4-HMAC-SHA256");
  assert.equal(q.get("X-Amz-Credential"), `${credentials.AccessKeyId}/${scope}`);
  assert.equal(q.get("X-Amz-Security-Token"), credentials.SessionToken);
  assert.equal(q.get("X-Amz-SignedHeaders"), "host");
  const encode = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = [...q.entries()]
    .filter(([k]) => k !== "X-Amz-Signature")
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalPath = url.pathname
    .split("/")
    .map((segment) => encode(decodeURIComponent(segment)))
    .join("/");
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  const canonicalRequest = ["GET", canonicalPath, canonicalQuery, `host:${url.host}`, "", "host", sha256("")].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.SecretKey}`, day), REGION), "geo-maps"), "aws4_request");
  assert.equal(q.get("X-Amz-Signature"), createHmac("sha256", signingKey).update(stringToSign).digest("hex"), `signature of ${url.pathname}`);
}
