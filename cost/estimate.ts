/**
 * A plan's monthly cost: every resource's meters (cost/meters.ts) priced from
 * cost/prices.json, by resource and by component, fixed against usage-driven,
 * in USD with INR beside it. A price not read yet leaves its line unpriced,
 * and the estimate says so, rather than guessing.
 */
import { Plan, providerUrnOf } from "../plan/report";
import type { PlanResource } from "../plan/engine";
import { HOURS_PER_MONTH, Line, billingOf } from "./meters";
import { Price, PriceTable, indexPrices, priceId } from "./price-table";
import { Usage, monthlyVolumes } from "./usage";

export interface PricedLine extends Line {
  /** USD a month; null when its price is not read yet, or missing from the table. */
  usd: number | null;
  unitUsd: number | null;
}

export interface ResourceCost {
  urn: string;
  type: string;
  name: string;
  component: string;
  lines: PricedLine[];
  usd: number;
}

export interface Estimate {
  stack: string;
  /** Sums of the priced lines, rounded to the cent. */
  usd: { total: number; fixed: number; usage: number };
  inr: { perUsd: number; total: number } | null;
  byComponent: Record<string, number>;
  resources: ResourceCost[];
  /** Lines left out of the sums: their prices are not read yet (or not in the table), by price. */
  unpriced: { price: string; reason: "not read yet" | "no entry in cost/prices.json" }[];
  /** Types the estimate knows are billed by use but has no assumption for, with why. */
  usageOnly: { type: string; reason: string }[];
  /** Types cost/meters.ts does not list at all: their cost is unknown, and the estimate says so. */
  unclassified: string[];
  savings: { reservedDatabase1y: number | null; arm64Functions: string };
  usageAssumptions: boolean;
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

/** The component a resource belongs to: its nearest `tms:*` ancestor, as "type name". */
function componentOf(resource: PlanResource, byUrn: Map<string, PlanResource>): string {
  for (let parent = resource.parent ? byUrn.get(resource.parent) : undefined; parent; parent = parent.parent ? byUrn.get(parent.parent) : undefined) {
    if (parent.type.startsWith("tms:")) return parent.type.split(":").pop()!;
  }
  return "(stack)";
}

/**
 * Prices a plan. Free tiers (a price's freePerMonth) apply once per account
 * and price, across every line that uses the price, as AWS bills them.
 */
export function estimateCost(plan: Pick<Plan, "stack" | "resources">, table: PriceTable, usage?: Usage): Estimate {
  const unclassified = [...new Set(plan.resources.map((r) => r.type))].filter((type) => !billingOf(type)).sort();
  const prices = indexPrices(table);
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const providers = new Map(plan.resources.filter((r) => r.type === "pulumi:providers:aws").map((r) => [r.urn, String(r.inputs.region)]));
  const stackRegion = [...providers.values()][0] ?? "ap-south-1";
  const context = { plan, usage: usage && { assumptions: usage, volumes: monthlyVolumes(usage) } };

  const metered: { resource: PlanResource; lines: Line[] }[] = [];
  const usageOnly: Estimate["usageOnly"] = [];
  for (const resource of plan.resources) {
    const billing = billingOf(resource.type);
    if (!billing) continue;
    if ("usageOnly" in billing) {
      if (!usageOnly.some((u) => u.type === resource.type)) usageOnly.push({ type: resource.type, reason: billing.usageOnly });
      continue;
    }
    if (!("meter" in billing)) continue;
    // Its provider's region, else the stack's.
    const region = providers.get(providerUrnOf(resource.provider)) ?? stackRegion;
    const lines = billing.meter(resource, { ...context, region }).map((line) => ({ ...line, region: line.region || region }));
    if (lines.length > 0) metered.push({ resource, lines });
  }

  // Free tiers: each price's free units are shared out over its lines in proportion to their quantities.
  const totalQuantity = new Map<string, number>();
  for (const { lines } of metered)
    for (const l of lines) totalQuantity.set(priceId(l.key, l.region), (totalQuantity.get(priceId(l.key, l.region)) ?? 0) + l.quantity);
  const unpriced = new Map<string, Estimate["unpriced"][number]["reason"]>();
  const price = (line: Line): PricedLine => {
    const id = priceId(line.key, line.region);
    const entry: Price | undefined = prices.get(id);
    if (!entry || entry.usd === null) {
      unpriced.set(id, entry ? "not read yet" : "no entry in cost/prices.json");
      return { ...line, usd: null, unitUsd: null };
    }
    const total = totalQuantity.get(id)!;
    const billable = Math.max(0, total - (entry.freePerMonth ?? 0));
    const share = total === 0 ? 0 : line.quantity / total;
    return { ...line, unitUsd: entry.usd, usd: billable * share * entry.usd };
  };

  const resources: ResourceCost[] = metered.map(({ resource, lines }) => {
    const priced = lines.map(price);
    return {
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      component: componentOf(resource, byUrn),
      lines: priced,
      usd: cents(priced.reduce((sum, l) => sum + (l.usd ?? 0), 0)),
    };
  });
  const sum = (kind?: Line["kind"]) => cents(resources.flatMap((r) => r.lines).reduce((s, l) => s + (kind && l.kind !== kind ? 0 : (l.usd ?? 0)), 0));
  const byComponent: Record<string, number> = {};
  for (const r of resources) byComponent[r.component] = cents((byComponent[r.component] ?? 0) + r.usd);

  const rate = table.inrPerUsd.rate;
  const total = sum();
  const database = resources.filter((r) => r.type === "aws:rds/instance:Instance").flatMap((r) => r.lines.filter((l) => l.key.startsWith("rds.instance:")));
  const databaseUsd = database.every((l) => l.usd !== null) ? database.reduce((s, l) => s + l.usd!, 0) : null;
  const functions = plan.resources.filter((r) => r.type === "aws:lambda/function:Function");
  const arm = functions.filter((f) => (f.inputs as any).architectures?.[0] === "arm64").length;
  return {
    stack: plan.stack,
    usd: { total, fixed: sum("fixed"), usage: sum("usage") },
    inr: rate ? { perUsd: rate, total: Math.round(total * rate) } : null,
    byComponent,
    resources,
    unpriced: [...unpriced].map(([id, reason]) => ({ price: id, reason })).sort((a, b) => a.price.localeCompare(b.price)),
    usageOnly,
    unclassified,
    savings: {
      // The reference's figure for a 1-year reserved instance: about 40% off the on-demand instance hours.
      reservedDatabase1y: databaseUsd === null ? null : cents(databaseUsd * 0.4),
      arm64Functions: `${arm} of ${functions.length} functions already run on arm64 (Graviton)`,
    },
    usageAssumptions: usage !== undefined,
  };
}

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The estimate as the plan's closing section. */
export function formatEstimate(estimate: Estimate): string[] {
  const lines = [`Estimated monthly cost (${HOURS_PER_MONTH} hours; USD${estimate.inr ? `, INR at ${estimate.inr.perUsd} per USD` : ""}):`];
  const inr = estimate.inr ? ` (₹${estimate.inr.total.toLocaleString("en-IN")})` : "";
  const all = estimate.resources.flatMap((r) => r.lines);
  if (all.length > 0 && all.every((l) => l.usd === null)) lines.push("  total: not available, no price in it has been read yet");
  else
    lines.push(
      `  ${estimate.unpriced.length > 0 ? "total of the priced lines only" : "total"} ${usd(estimate.usd.total)}${inr}: fixed ${usd(estimate.usd.fixed)}, usage-driven ${usd(estimate.usd.usage)}`,
    );
  if (estimate.unclassified.length > 0)
    lines.push(`  NOT COMPLETE: cost/meters.ts does not say how these types are billed: ${estimate.unclassified.join(", ")}`);
  if (!estimate.usageAssumptions) lines.push("  no usage assumptions for this stack (cost/usage.<stack>.yaml): usage-driven costs are left out");
  if (estimate.unpriced.length > 0)
    lines.push(
      `  NOT COMPLETE: ${estimate.unpriced.length} price(s) are not in the sums (${estimate.unpriced.filter((u) => u.reason === "not read yet").length} not read yet: npm run prices -- --update reads them from the AWS Price List API):`,
      ...estimate.unpriced.map((u) => `    - ${u.price}: ${u.reason}`),
    );
  if (estimate.usd.total > 0)
    lines.push("  by component:", ...Object.entries(estimate.byComponent).map(([c, n]) => `    ${c.padEnd(16)} ${usd(n).padStart(12)}`));
  const priced = estimate.resources.filter((r) => r.lines.some((l) => l.usd !== null));
  lines.push(priced.length > 0 ? "  by resource:" : "  by resource: nothing priced yet");
  for (const r of [...priced].sort((a, b) => b.usd - a.usd || a.name.localeCompare(b.name))) {
    lines.push(`    ${usd(r.usd).padStart(12)}  ${r.type}  ${r.name}`);
    for (const l of r.lines) lines.push(`                  ${l.kind === "fixed" ? "fixed" : "usage"}  ${l.what}: ${l.usd === null ? "unpriced" : usd(l.usd)}`);
  }
  if (estimate.savings.reservedDatabase1y !== null)
    lines.push(`  a 1-year reserved database instance would save about ${usd(estimate.savings.reservedDatabase1y)} a month (the reference's 40%)`);
  lines.push(`  ${estimate.savings.arm64Functions}`);
  for (const u of estimate.usageOnly) lines.push(`  not estimated: ${u.type}: ${u.reason}`);
  return lines;
}

export interface CostDelta {
  usd: { before: number; after: number; delta: number };
  byComponent: Record<string, number>;
  resources: { urn: string; type: string; name: string; change: "added" | "removed" | "changed"; before: number; after: number; delta: number }[];
}

/** How much a change costs a month: in total, by component, and for each resource added, removed or repriced. */
export function diffEstimates(before: Estimate, after: Estimate, rename: (urn: string) => string = (u) => u): CostDelta {
  const old = new Map(before.resources.map((r) => [rename(r.urn), r]));
  const now = new Map(after.resources.map((r) => [r.urn, r]));
  const resources: CostDelta["resources"] = [];
  for (const [urn, r] of now) {
    const was = old.get(urn);
    if (!was) resources.push({ urn, type: r.type, name: r.name, change: "added", before: 0, after: r.usd, delta: r.usd });
    else if (was.usd !== r.usd)
      resources.push({ urn, type: r.type, name: r.name, change: "changed", before: was.usd, after: r.usd, delta: cents(r.usd - was.usd) });
  }
  for (const [urn, r] of old) if (!now.has(urn)) resources.push({ urn, type: r.type, name: r.name, change: "removed", before: r.usd, after: 0, delta: -r.usd });
  const byComponent: Record<string, number> = {};
  for (const c of new Set([...Object.keys(before.byComponent), ...Object.keys(after.byComponent)])) {
    const delta = cents((after.byComponent[c] ?? 0) - (before.byComponent[c] ?? 0));
    if (delta !== 0) byComponent[c] = delta;
  }
  return {
    usd: { before: before.usd.total, after: after.usd.total, delta: cents(after.usd.total - before.usd.total) },
    byComponent,
    resources: resources.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.urn.localeCompare(b.urn)),
  };
}

const signed = (n: number) => `${n >= 0 ? "+" : "−"}${usd(Math.abs(n))}`;

export function formatCostDelta(delta: CostDelta): string[] {
  return [
    `Cost: ${usd(delta.usd.before)} → ${usd(delta.usd.after)} a month (${signed(delta.usd.delta)})`,
    ...Object.entries(delta.byComponent).map(([c, n]) => `  ${c}: ${signed(n)}`),
    ...delta.resources.map((r) => `  ${r.change === "added" ? "+" : r.change === "removed" ? "-" : "~"} ${r.type}  ${r.name}: ${signed(r.delta)}`),
  ];
}
