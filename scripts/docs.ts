/**
 * npm run docs — regenerates the generated sections of README.md from the
 * code (the policy list). `npm test` fails when README.md is out of date.
 */
import * as fs from "fs";
import * as path from "path";
import { TMS_PACK } from "../policy/evaluate";

export const README = path.resolve(__dirname, "..", "README.md");

export function policyTable(): string {
  const rows = TMS_PACK.policies.map((p) => {
    const config = Object.entries(p.configSchema?.properties ?? {})
      .map(([key, spec]) => `\`${key}\` (default \`${JSON.stringify((spec as { default?: unknown }).default)}\`)`)
      .join(", ");
    return `| \`${p.name}\` | ${p.enforcementLevel} | ${p.severity} | ${p.framework?.reference ?? "—"} | ${p.description} | ${config || "—"} |`;
  });
  return ["| policy | level | severity | FSBP | rule | config |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

const START = "<!-- generated: policies (npm run docs) -->";
const END = "<!-- end generated: policies -->";

export function renderReadme(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} ... ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${policyTable()}\n${readme.slice(end)}`;
}

if (require.main === module) {
  fs.writeFileSync(README, renderReadme(fs.readFileSync(README, "utf8")));
  process.stdout.write("README.md updated\n");
}
