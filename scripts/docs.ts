/**
 * npm run docs — regenerates what is written from the code: the generated
 * sections of README.md (the policy list, the route table, each function's
 * environment, how the dev stack differs from prod), the API's OpenAPI
 * document (docs/openapi.json) and the TypeScript types of its requests and
 * responses (types/api.d.ts, from that document with openapi-typescript).
 * `npm test` fails when any of them is out of date.
 */
import * as fs from "fs";
import * as path from "path";
import { Document, isMap, parseDocument, YAMLMap } from "yaml";
import { decodeConfigValues } from "../config";
import { effectiveStackConfig } from "../config/schema";
import { FUNCTIONS, FUNCTION_NAMES, INVOKED_BY, environmentOf } from "../rules/functions";
import { openApiDocument } from "../handlers/openapi";
import { API_EXAMPLES } from "../handlers/examples";
import { ROUTES, routeKey } from "../handlers/routes";
import { estimateCost } from "../cost/estimate";
import { readPriceTable } from "../cost/price-table";
import { readUsageFile, usageFileOf } from "../cost/usage";
import { PROJECT_DIR, ProgramEngine, runProgram, stackConfigValues } from "../plan/engine";
import { isPlainObject } from "../plan/serialize";
import { TMS_PACK } from "../policy/evaluate";

export const README = path.resolve(__dirname, "..", "README.md");

const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

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
      INVOKED_BY[FUNCTIONS[fn].trigger],
      environmentOf(fn)
        .filter((v) => !v.name.startsWith("POWERTOOLS_"))
        .map((v) => `\`${v.name}\`${v.required ? "" : "?"}`)
        .join(", "),
    ]),
  );
}

/** Each route of the OpenAPI document: who may call it, its request, an example exchange and every answer it can give. */
function apiReference(): string {
  const document = openApiDocument() as { paths: Record<string, Record<string, any>> };
  const sections: string[] = [];
  for (const route of ROUTES) {
    const op = document.paths[route.path][route.method.toLowerCase()];
    const example = API_EXAMPLES[routeKey(route)];
    const ok = Object.keys(op.responses).find((status) => Number(status) < 300)!;
    const errors = Object.entries(op.responses as Record<string, { description: string }>)
      .filter(([status]) => Number(status) >= 400)
      .map(([status, r]) => `${status} (${r.description.replace(/^error: /, "")})`);
    const request = [
      `${route.method} ${example.path ?? route.path}${example.query ? `?${new URLSearchParams(example.query)}` : ""}`,
      ...(example.body === undefined ? [] : ["", JSON.stringify(example.body, null, 2)]),
    ].join("\n");
    sections.push(
      [
        `### ${route.method} ${route.path}`,
        "",
        `${op.summary}. ${op.description} Operation \`${route.operation}\`.`,
        "",
        "```http",
        request,
        "```",
        "",
        `→ ${ok}`,
        "",
        "```json",
        JSON.stringify(example.response, null, 2),
        "```",
        "",
        `Errors: ${errors.join("; ")}.`,
      ].join("\n"),
    );
  }
  return sections.join("\n\n");
}

/** Every setting's effective value (defaults filled in) by config key path, e.g. `tms:database.instanceClass`; secret keys left out. */
function effectiveSettings(stack: string): Map<string, unknown> {
  const { values, secretKeys } = stackConfigValues({ stack });
  const settings = new Map<string, unknown>();
  const flatten = (value: unknown, at: string) => {
    if (isPlainObject(value)) {
      for (const [key, inner] of Object.entries(value)) flatten(inner, `${at}.${key}`);
    } else settings.set(at, value);
  };
  for (const [key, value] of Object.entries(effectiveStackConfig(decodeConfigValues(values), stack, new Set(secretKeys)))) {
    if (!secretKeys.includes(key)) flatten(value, key);
  }
  return settings;
}

/**
 * The comment in a stack file that explains a setting: the one above its key,
 * else above an earlier key of the same block (a comment covers the keys that
 * follow it), else the one above the block's own key. A setting the file
 * leaves out is explained by its block's comment.
 */
export function explanation(doc: Document, keyPath: string): string | undefined {
  const [top, ...rest] = keyPath.split(".");
  const keys = ["config", top, ...rest];
  const blocks: { map: YAMLMap; index: number }[] = [];
  let node: unknown = doc.contents;
  for (const key of keys) {
    if (!isMap(node)) break;
    const index = node.items.findIndex((pair) => (pair.key as { value?: unknown })?.value === key);
    if (index < 0) break;
    blocks.push({ map: node, index });
    node = node.items[index].value;
  }
  const found = blocks.length === keys.length;
  const commentAt = (map: YAMLMap, i: number) => (map.items[i].key as { commentBefore?: string }).commentBefore ?? (i === 0 ? map.commentBefore : undefined);
  // Level 0 is the document, whose first comment is the file's header.
  for (let level = blocks.length - 1; level >= 1; level--) {
    const { map, index } = blocks[level];
    const withinBlock = found && level === blocks.length - 1 && level >= 2;
    for (let i = index; i >= (withinBlock ? 0 : index); i--) {
      const comment = commentAt(map, i);
      if (comment)
        return comment
          .split("\n")
          .map((line) => line.trim())
          .join(" ");
    }
  }
  return undefined;
}

export const REFERENCE_STACK = "prod";
export const CHEAP_STACK = "dev";

export interface StackDifference {
  key: string;
  prod: unknown;
  dev: unknown;
  /** From the comments in Pulumi.dev.yaml. */
  why: string | undefined;
}

/** Every setting whose effective value differs between dev and prod, besides the stack's own name. */
export function stackDifferences(): StackDifference[] {
  const [prod, dev] = [effectiveSettings(REFERENCE_STACK), effectiveSettings(CHEAP_STACK)];
  const devFile = parseDocument(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${CHEAP_STACK}.yaml`), "utf8"));
  return [...new Set([...prod.keys(), ...dev.keys()])]
    .filter((key) => JSON.stringify(prod.get(key)) !== JSON.stringify(dev.get(key)))
    .filter((key) => !(prod.get(key) === REFERENCE_STACK && dev.get(key) === CHEAP_STACK))
    .map((key) => ({ key, prod: prod.get(key), dev: dev.get(key), why: explanation(devFile, key) }));
}

function stacks(): string {
  const show = (value: unknown) =>
    value === undefined ? "unset" : Array.isArray(value) ? (value.length ? value.map((v) => `\`${v}\``).join(", ") : "none") : `\`${String(value)}\``;
  // Settings one comment explains share a row.
  const rows = new Map<string, { keys: string[]; prod: string[]; dev: string[] }>();
  for (const d of stackDifferences()) {
    const why = d.why ?? `(not explained in Pulumi.${CHEAP_STACK}.yaml)`;
    const row = rows.get(why) ?? rows.set(why, { keys: [], prod: [], dev: [] }).get(why)!;
    row.keys.push(`\`${d.key}\``);
    row.prod.push(show(d.prod));
    row.dev.push(show(d.dev));
  }
  return table(
    ["setting", REFERENCE_STACK, CHEAP_STACK, `why ${CHEAP_STACK} differs (from Pulumi.${CHEAP_STACK}.yaml)`],
    [...rows].map(([why, r]) => [r.keys.join("<br>"), r.prod.join("<br>"), r.dev.join("<br>"), why.replace(/\|/g, "\\|")]),
  );
}

/** Both stacks' monthly estimates at the committed prices and usage assumptions, side by side. */
async function costs(engine: ProgramEngine): Promise<string> {
  const prices = readPriceTable();
  const [dev, prod] = await Promise.all(
    [CHEAP_STACK, REFERENCE_STACK].map(async (stack) => estimateCost(await engine({ stack }), prices, readUsageFile(usageFileOf(stack)))),
  );
  const read = prices.prices.filter((p) => p.usd !== null);
  const money = (n: number, complete: boolean) => (complete ? `$${n.toFixed(2)}` : read.length === 0 ? "not priced" : `$${n.toFixed(2)} (incomplete)`);
  const complete = (e: typeof dev) => e.unpriced.length === 0;
  const components = [...new Set([...Object.keys(prod.byComponent), ...Object.keys(dev.byComponent)])];
  const rows = [
    ["total a month", money(dev.usd.total, complete(dev)), money(prod.usd.total, complete(prod))],
    ["fixed", money(dev.usd.fixed, complete(dev)), money(prod.usd.fixed, complete(prod))],
    ["usage-driven (`cost/usage.<stack>.yaml`)", money(dev.usd.usage, complete(dev)), money(prod.usd.usage, complete(prod))],
    ...components.map((c) => [`↳ ${c}`, money(dev.byComponent[c] ?? 0, complete(dev)), money(prod.byComponent[c] ?? 0, complete(prod))]),
    [
      `${CHEAP_STACK} as a share of ${REFERENCE_STACK}`,
      complete(dev) && complete(prod) && prod.usd.total > 0 ? `${Math.round((dev.usd.total / prod.usd.total) * 100)}%` : "not available",
      "",
    ],
  ];
  const dates = read.map((p) => p.read!).sort();
  return [
    table(["", CHEAP_STACK, REFERENCE_STACK], rows),
    "",
    `Prices read from the AWS Price List API: ${read.length} of ${prices.prices.length}${dates.length ? `, from ${dates[0]} to ${dates.at(-1)}` : ""} (\`npm run prices -- --update\` reads them).`,
  ].join("\n");
}

/** The files with generated sections; each section is between `<!-- generated: NAME (npm run docs) -->` and `<!-- end generated: NAME -->`. */
export const DOCS = [
  "README.md",
  "docs/api.md",
  "docs/configuration.md",
  "docs/policy.md",
  "docs/platform.md",
  "docs/development.md",
  "docs/operations.md",
].map((file) => path.resolve(__dirname, "..", file));

export const GENERATED: Record<string, (engine: ProgramEngine) => string | Promise<string>> = {
  policies,
  routes,
  environment,
  stacks,
  costs,
  reference: apiReference,
};

/** The document with each generated section it has rendered from the code; untouched elsewhere. */
export async function renderDoc(text: string, engine: ProgramEngine = runProgram): Promise<string> {
  let out = text;
  for (const [name, render] of Object.entries(GENERATED)) {
    const start = `<!-- generated: ${name} (npm run docs) -->`;
    const end = `<!-- end generated: ${name} -->`;
    const from = out.indexOf(start);
    if (from < 0) continue;
    const to = out.indexOf(end, from);
    if (to < 0) throw new Error(`${start} has no ${end}`);
    out = `${out.slice(0, from + start.length)}\n${await render(engine)}\n${out.slice(to)}`;
  }
  return out;
}

export const OPENAPI_FILE = path.resolve(__dirname, "..", "docs", "openapi.json");
export const API_TYPES_FILE = path.resolve(__dirname, "..", "types", "api.d.ts");

export const renderOpenApi = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

/** The document's types, as openapi-typescript writes them, in the project's code style. */
export async function renderApiTypes(): Promise<string> {
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  const prettier = await import("prettier");
  const header = "// Generated by `npm run docs` from docs/openapi.json with openapi-typescript. Do not edit.\n";
  const source = header + astToString(await openapiTS(JSON.parse(renderOpenApi())));
  return prettier.format(source, { ...(await prettier.resolveConfig(API_TYPES_FILE)), filepath: API_TYPES_FILE });
}

if (require.main === module) {
  (async () => {
    for (const file of DOCS) fs.writeFileSync(file, await renderDoc(fs.readFileSync(file, "utf8")));
    fs.writeFileSync(OPENAPI_FILE, renderOpenApi());
    fs.mkdirSync(path.dirname(API_TYPES_FILE), { recursive: true });
    fs.writeFileSync(API_TYPES_FILE, await renderApiTypes());
    process.stdout.write("the generated sections of README.md and docs/*.md, docs/openapi.json and types/api.d.ts updated\n");
  })();
}
