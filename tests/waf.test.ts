/**
 * The prod web ACL, evaluated the way WAF evaluates it, against the API's own
 * traffic: batches of positions, drivers behind one carrier-grade NAT address,
 * a dispatcher's polling, and clients that misbehave.
 *
 * The model covers what these rules use: rules in priority order, terminating
 * block actions, labels from the core rule set's SizeRestrictions_BODY (bodies
 * over 8 KB, blocked unless its action is overridden to count), and/or/not,
 * label, URI-regex and header-size statements, and rate-based rules that skip
 * requests missing an aggregation key (as AWS documents for custom keys). The
 * other managed rules are taken not to match this benign traffic.
 */
import { strict as assert } from "assert";
import { CRS_BODY_SIZE_LABEL, WAF_RATE_WINDOW_SECONDS, webAclRules, wafRateLimits } from "../components/edge";
import { MAX_BODY_BYTES } from "../handlers/lib/http";
import { ROUTES, routePathPattern } from "../handlers/routes";
import { MAX_BATCH } from "../handlers/tracking/api";
import { runStack } from "./harness";

interface WafRequest {
  method: string;
  path: string;
  bodyBytes: number;
  ip: string;
  authorization?: string;
}

type Json = any;

/** One evaluation window of a web ACL: `allows` each request in turn, counting for the rate rules. */
class WebAclModel {
  private readonly counts = new Map<string, number>();
  constructor(private readonly rules: Json[]) {}

  allows(request: WafRequest): boolean {
    const labels = new Set<string>();
    for (const rule of [...this.rules].sort((a, b) => a.priority - b.priority)) {
      const s = rule.statement;
      if (s.managedRuleGroupStatement) {
        if (this.managedGroupBlocks(s.managedRuleGroupStatement, request, labels) && !rule.overrideAction?.count) return false;
        continue;
      }
      if (this.matches(s, request, labels, rule.name) && rule.action?.block) return false;
    }
    return true;
  }

  private managedGroupBlocks(group: Json, request: WafRequest, labels: Set<string>): boolean {
    if (group.name !== "AWSManagedRulesCommonRuleSet" || request.bodyBytes <= 8192) return false;
    labels.add(CRS_BODY_SIZE_LABEL);
    const override = (group.ruleActionOverrides ?? []).find((o: Json) => o.name === "SizeRestrictions_BODY");
    return !override?.actionToUse?.count;
  }

  private matches(s: Json, request: WafRequest, labels: Set<string>, rule: string): boolean {
    if (s.andStatement) return s.andStatement.statements.every((x: Json) => this.matches(x, request, labels, rule));
    if (s.orStatement) return s.orStatement.statements.some((x: Json) => this.matches(x, request, labels, rule));
    if (s.notStatement) return !this.matches(s.notStatement.statement, request, labels, rule);
    if (s.labelMatchStatement) return labels.has(s.labelMatchStatement.key);
    if (s.regexMatchStatement?.fieldToMatch?.uriPath) return new RegExp(s.regexMatchStatement.regexString).test(request.path);
    if (s.sizeConstraintStatement?.fieldToMatch?.singleHeader?.name === "authorization") {
      const { comparisonOperator, size } = s.sizeConstraintStatement;
      if (request.authorization === undefined) return false;
      if (comparisonOperator !== "GT") throw new Error(`unmodelled comparison ${comparisonOperator}`);
      return request.authorization.length > size;
    }
    if (s.rateBasedStatement) return this.rateExceeded(s.rateBasedStatement, request, labels, rule);
    throw new Error(`unmodelled statement ${Object.keys(s).join(", ")}`);
  }

  private rateExceeded(r: Json, request: WafRequest, labels: Set<string>, rule: string): boolean {
    assert.equal(r.evaluationWindowSec, WAF_RATE_WINDOW_SECONDS);
    if (r.scopeDownStatement && !this.matches(r.scopeDownStatement, request, labels, rule)) return false;
    let key: string | undefined;
    if (r.aggregateKeyType === "IP") key = request.ip;
    else if (r.aggregateKeyType === "CUSTOM_KEYS") {
      const parts = r.customKeys.map((k: Json) => {
        if (k.header?.name === "authorization") return request.authorization;
        throw new Error(`unmodelled custom key ${JSON.stringify(k)}`);
      });
      // AWS: requests missing any aggregation key are not counted.
      if (parts.some((p: string | undefined) => p === undefined)) return false;
      key = parts.join("|");
    } else throw new Error(`unmodelled aggregation ${r.aggregateKeyType}`);
    const counter = `${rule}:${key}`;
    const count = (this.counts.get(counter) ?? 0) + 1;
    this.counts.set(counter, count);
    return count > r.limit;
  }
}

/** A batch of MAX_BATCH positions as the driver app sends it, in bytes. */
function positionBatchBytes(): number {
  const positions = Array.from({ length: MAX_BATCH }, (_, i) => ({
    vehicleId: "3f2b8c1e-9a4d-4e7f-8b2a-1c5d6e7f8a9b",
    recordedAt: new Date(Date.UTC(2026, 10, 27, 6, 0, i * 2, 123)).toISOString(),
    lat: 19.07609 + i / 1e5,
    lng: 72.877426 + i / 1e5,
    speedKmh: 41.5,
    heading: 182.3,
    accuracyM: 4.8,
  }));
  return Buffer.byteLength(JSON.stringify({ positions }));
}

const PROD = { apiRateLimit: 1000, largeBodyPaths: [...new Set(ROUTES.filter((r) => r.largeBody).map(routePathPattern))] };
const token = (who: string) => `Bearer eyJ.${who}.sig`;

describe("WAF: the prod web ACL lets the API's own traffic through", () => {
  it("is the web ACL the prod stack deploys", async () => {
    const run = await runStack("prod");
    const acl = run.find("aws:wafv2/webAcl:WebAcl");
    assert.deepEqual(acl.inputs.rules, JSON.parse(JSON.stringify(webAclRules(PROD, "tms-prod"))));
    assert.deepEqual(PROD.largeBodyPaths, ["^/api/positions$"]);
  });

  it("lets a batch of 500 positions (60-80 KB) through to the API, which enforces its own limit", () => {
    const bytes = positionBatchBytes();
    assert.ok(bytes > 60_000 && bytes < MAX_BODY_BYTES, `a full batch is ${bytes} bytes`);
    const waf = new WebAclModel(webAclRules(PROD, "tms-prod"));
    assert.equal(waf.allows({ method: "POST", path: "/api/positions", bodyBytes: bytes, ip: "49.36.1.1", authorization: token("driver-1") }), true);
  });

  it("keeps the core rule set's 8 KB body limit everywhere else", () => {
    const waf = new WebAclModel(webAclRules(PROD, "tms-prod"));
    const request = (path: string, bodyBytes: number) => ({ method: "POST", path, bodyBytes, ip: "49.36.1.2", authorization: token("dispatcher") });
    assert.equal(waf.allows(request("/api/trips", 2_000)), true);
    assert.equal(waf.allows(request("/api/trips", 70_000)), false);
    assert.equal(waf.allows(request("/api/positions/../trips", 70_000)), false, "the pattern is anchored");
    assert.equal(waf.allows(request("/api/positionsX", 70_000)), false);
  });

  it("would have blocked the batch with the core rule set unscoped (the model sees the failure)", () => {
    const unscoped = webAclRules({ ...PROD, largeBodyPaths: [] }, "tms-prod");
    const waf = new WebAclModel(unscoped);
    assert.equal(
      waf.allows({ method: "POST", path: "/api/positions", bodyBytes: positionBatchBytes(), ip: "49.36.1.1", authorization: token("driver-1") }),
      false,
    );
  });

  it("lets 300 drivers and a dispatcher behind one carrier-grade NAT address work a whole window", () => {
    const waf = new WebAclModel(webAclRules(PROD, "tms-prod"));
    const ip = "100.64.0.1";
    let blocked = 0;
    let sent = 0;
    // Each driver posts a batch every 25 s; the dispatcher's board polls every 5 s.
    for (let second = 0; second < WAF_RATE_WINDOW_SECONDS; second++) {
      for (let d = 0; d < 300; d++) {
        if ((second + d) % 25 === 0) {
          sent++;
          if (!waf.allows({ method: "POST", path: "/api/positions", bodyBytes: 3_000, ip, authorization: token(`driver-${d}`) })) blocked++;
        }
      }
      if (second % 5 === 0) {
        sent++;
        if (!waf.allows({ method: "GET", path: "/api/trips", bodyBytes: 0, ip, authorization: token("dispatcher") })) blocked++;
      }
    }
    assert.ok(sent > 2_000, `${sent} requests: more than the old per-address limit of 2,000`);
    assert.equal(blocked, 0);
  });

  it("stops one client that takes more than its share of the API's throttle, and anonymous floods per address", () => {
    const limits = wafRateLimits(PROD.apiRateLimit);
    assert.deepEqual(limits, { perClient: 15_000, anonymousPerIp: 3_000, perIp: 75_000 });
    const waf = new WebAclModel(webAclRules(PROD, "tms-prod"));
    const greedy = Array.from({ length: limits.perClient + 1 }, () =>
      waf.allows({ method: "GET", path: "/api/trips", bodyBytes: 0, ip: "49.36.9.9", authorization: token("greedy") }),
    );
    assert.equal(greedy.filter((ok) => !ok).length, 1, "the request over the limit is blocked");
    assert.equal(
      waf.allows({ method: "GET", path: "/api/trips", bodyBytes: 0, ip: "49.36.9.9", authorization: token("polite") }),
      true,
      "another client at the same address is not",
    );
    const flood = Array.from({ length: limits.anonymousPerIp + 1 }, () => waf.allows({ method: "GET", path: "/index.html", bodyBytes: 0, ip: "203.0.113.7" }));
    assert.equal(flood.filter((ok) => !ok).length, 1);
  });

  it("derives every limit from the API's throttling", () => {
    assert.deepEqual(wafRateLimits(100), { perClient: 1_500, anonymousPerIp: 300, perIp: 7_500 });
    const rules = webAclRules({ apiRateLimit: 100, largeBodyPaths: [] }, "x");
    assert.deepEqual(
      rules.filter((r: Json) => r.statement.rateBasedStatement).map((r: Json) => r.statement.rateBasedStatement.limit),
      [1_500, 300, 7_500],
    );
  });
});
