/** What the browser runs (the Chromium suite, `npm run bench:web`) share: Debian's Chromium, and the app built as `npm run build:web` builds it. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Debian's Chromium (`apt-get install -y chromium`): Playwright's own browser download cannot work here. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Debian's build of Chromium's headless shell (`apt-get install -y
 * chromium-headless-shell`): the same Blink and V8 without the desktop
 * browser around them. It is what Playwright itself runs for headless Chromium
 * (microsoft/playwright#33566). On this suite it uses half the CPU of full
 * Chromium in headless mode (18 against 35 CPU-seconds, most of it the
 * browser's own work for each new context), which on two cores is time the
 * other test worker gets back.
 */
export const CHROMIUM_HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";

/**
 * The browser the end-to-end suite drives: the headless shell when it is
 * installed, else full Chromium, else none (the suite is then pending).
 * Lighthouse (`npm run bench:web`) keeps full Chromium: it scores the browser
 * users run.
 */
export function endToEndBrowser(installed: (file: string) => boolean = fs.existsSync): string | undefined {
  return [CHROMIUM_HEADLESS_SHELL, CHROMIUM].find(installed);
}

/** Builds the web app into a new directory of its own and returns it, leaving web/dist as it is. */
export function buildWebApp(): string {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "tms-web-"));
  execFileSync(
    process.execPath,
    [path.join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "web", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
    {
      cwd: ROOT,
    },
  );
  return outDir;
}
