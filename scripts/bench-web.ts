/**
 * npm run bench:web — Lighthouse (desktop preset) on the web app's trips board
 * and fleet map, served by `npm run dev`'s server with a seeded organisation,
 * in Debian's Chromium: the performance and accessibility scores, LCP and
 * total blocking time of each. Target: performance ≥ 90. A report, never a
 * test. Uses DATABASE_URL when set, else an embedded PostgreSQL.
 */
import "./local/quiet";
import * as fs from "fs";
import * as os from "os";
import { startDevServer } from "./dev-server";
import { CHROMIUM, buildWebApp } from "./local/web-build";

const TARGET = 90;

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}: apt-get install -y chromium`);
  process.stderr.write("building the web app…\n");
  const webDir = buildWebApp();
  const server = await startDevServer({ port: 0, databaseUrl: process.env.DATABASE_URL, webDir });
  const { launch } = await import("chrome-launcher");
  const chrome = await launch({ chromePath: CHROMIUM, chromeFlags: ["--headless=new", "--no-sandbox"] });
  try {
    const { token } = (await (
      await fetch(`${server.url}/local/sign-in`, { method: "POST", body: JSON.stringify({ org: `bench${Date.now()}`, role: "dispatcher" }) })
    ).json()) as {
      token: string;
    };
    await seed(server.url, token);
    const { default: lighthouse } = await import("lighthouse");
    const { default: desktop } = await import("lighthouse/core/config/desktop-config.js");
    const rows: string[][] = [];
    for (const [name, hash] of [
      ["trips board", "#/trips"],
      ["fleet map", "#/fleet"],
    ]) {
      process.stderr.write(`lighthouse: ${name}…\n`);
      const result = await lighthouse(
        `${server.url}/?devToken=${token}${hash}`,
        { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility"] },
        desktop,
      );
      const lhr = result!.lhr;
      const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
      const ms = (id: string) => `${Math.round(Number(lhr.audits[id]?.numericValue ?? 0))} ms`;
      rows.push([
        name,
        String(score("performance")),
        String(score("accessibility")),
        ms("largest-contentful-paint"),
        ms("total-blocking-time"),
        score("performance") >= TARGET ? "ok" : "MISSED",
      ]);
    }
    const header = ["page", "performance", "accessibility", "LCP", "TBT", `performance ≥ ${TARGET}`];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    process.stdout.write(
      [
        `Lighthouse ${require("lighthouse/package.json").version} (desktop) on ${os.cpus().length} cores`,
        "",
        line(header),
        line(widths.map((w) => "-".repeat(w))),
        ...rows.map(line),
        "",
      ].join("\n"),
    );
  } finally {
    chrome.kill();
    await server.close();
  }
}

/** A dispatcher's organisation with vehicles, trips and positions, so both screens have something to draw. */
async function seed(base: string, token: string) {
  const call = async (method: string, url: string, body: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  for (let i = 0; i < 20; i++) {
    const vehicle = await call("POST", "/api/vehicles", { registration: `MH12BN${String(i).padStart(4, "0")}` });
    await call("POST", "/api/trips", {
      reference: `BENCH-${i}`,
      vehicleId: vehicle.id,
      origin: { lat: 19.28, lng: 73.05, address: "Bhiwandi warehouse" },
      destination: { lat: 18.76, lng: 73.86, address: "Chakan depot" },
      plannedStart: "2030-01-01T03:30:00Z",
      plannedEnd: "2030-01-01T09:30:00Z",
    });
    await call("POST", "/api/positions", {
      positions: [{ vehicleId: vehicle.id, recordedAt: new Date().toISOString(), lat: 19 + i / 100, lng: 73 + i / 100 }],
    });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
