/** What the browser runs (the Chromium suite, `npm run bench:web`) share: Debian's Chromium, and the app built as `npm run build:web` builds it. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Debian's Chromium (`apt-get install -y chromium`): Playwright's own browser download cannot work here. */
export const CHROMIUM = "/usr/bin/chromium";

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
