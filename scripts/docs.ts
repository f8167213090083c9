/**
 * npm run docs — regenerates the generated sections of README.md from the code:
 * the policy list, the route table, and each function's environment. `npm test`
 * fails when README.md is out of date.
 */
import * as fs from "fs";
import * as path from "path";
import { FUNCTIONS, FUNCTION_NAMES, environmentOf } from "../handlers/functions";
import { ROUTES } from "../handlers/routes";
import { TMS_PACK } from "../policy/evaluate";

export const README = path.resolve(__dirname, "..", "README.md");

const table = (header: string[], rows: string[][]) => [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

function policies(): string {
  return table(
    ["policy", "level", "severity", "FSBP", "rule", "config"],
    TMS_PACK.policies.map((p) => {
      const config = Object.entries(p.configSchema?.properties ?? {})
        .map(([key, spec]) => `\`${key}\` (default \`${JSON.stringify((spec as { default?: unknown }).default)}\`)`)
        .join(", ");
      return [`\`${p.name}\``, p.enforcementLevel ?? TMS_PACK.enforcementLevel, p.severity, p.framework?.reference ?? "—", p.description, config || "—"];
    }),
  );
}

function routes(): string {
  return table(
    ["route", "function", "operation", "who"],
    ROUTES.map((r) => [`\`${r.method} ${r.path}\``, r.function, r.operation, r.auth === "none" ? "public" : r.roles.join(", ")]),
  );
}

function environment(): string {
  return table(
    ["function", "invoked by", "environment"],
    FUNCTION_NAMES.map((fn) => [
      fn,
      FUNCTIONS[fn].api ? "API Gateway" : fn === "jobs" ? "EventBridge Scheduler" : "`pulumi up` (on new migrations)",
      environmentOf(fn)
        .filter((v) => !v.name.startsWith("POWERTOOLS_"))
        .map((v) => `\`${v.name}\`${v.required ? "" : "?"}`)
        .join(", "),
    ]),
  );
}

export const GENERATED: Record<string, () => string> = { policies, routes, environment };

export function renderReadme(readme: string): string {
  let out = readme;
  for (const [name, render] of Object.entries(GENERATED)) {
    const start = `<!-- generated: ${name} (npm run docs) -->`;
    const end = `<!-- end generated: ${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} ... ${end} markers`);
    out = `${out.slice(0, from + start.length)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}

if (require.main === module) {
  fs.writeFileSync(README, renderReadme(fs.readFileSync(README, "utf8")));
  process.stdout.write("README.md updated\n");
}
