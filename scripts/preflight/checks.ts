/**
 * What a first `pulumi up` needs from the AWS account, read before anything is
 * created: a failing `up` of prod takes many minutes and leaves half a stack.
 * Each check reads one thing with the AWS SDK and says pass or fail, and how
 * to fix a failure.
 */
import { AccountClient, GetRegionOptStatusCommand } from "@aws-sdk/client-account";
import { GetAccountSettingsCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DescribeOrderableDBInstanceOptionsCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { StackConfig } from "../../config/schema";
import { FUNCTION_NAMES, reservedConcurrencyOf } from "../../rules/functions";

/** Lambda keeps this much of the account's concurrency unreserved, whatever is reserved. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;
/** The PostgreSQL major version the Database component deploys. */
export const POSTGRES_MAJOR = "15";

/** What the stack needs from the account, derived from its config. */
export interface Requirements {
  stack: string;
  region: string;
  /** Regions the stack creates resources in besides its own, and why. */
  regions: { region: string; why: string }[];
  reservedConcurrency: number;
  database: { instanceClass: string; multiAz: boolean };
  ses?: { identity: string };
  hostedZone?: { id: string; domain: string };
}

export function requirementsOf(config: StackConfig): Requirements {
  return {
    stack: config.stack,
    region: config.region,
    regions: [
      { region: "us-east-1", why: "CloudFront's access-log delivery, WAF and certificates" },
      ...(config.documents.replicaRegion ? [{ region: config.documents.replicaRegion, why: "the documents replica" }] : []),
    ],
    reservedConcurrency: FUNCTION_NAMES.reduce((sum, fn) => sum + (reservedConcurrencyOf(fn, config.functions.reservedConcurrency) ?? 0), 0),
    database: { instanceClass: config.database.instanceClass, multiAz: config.database.multiAz },
    ses: config.auth.email && { identity: config.auth.email.sesIdentity },
    hostedZone: config.edge.domain && { id: config.edge.domain.hostedZoneId, domain: config.edge.domain.name },
  };
}

export interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
  /** What to do about a failure. */
  fix?: string;
}

interface Check {
  name: string;
  /** What it reads (and the permission the caller needs for it), for the no-credentials listing. */
  reads: string;
  run(): Promise<Omit<CheckResult, "check">>;
}

const pass = (detail: string) => ({ ok: true, detail });
const fail = (detail: string, fix: string) => ({ ok: false, detail, fix });

/** The checks this stack needs, in the order they run. */
export function checksFor(req: Requirements): Check[] {
  const checks: Check[] = req.regions.map(({ region, why }) => ({
    name: `region ${region}`,
    reads: "account:GetRegionOptStatus",
    async run() {
      // The Account API lives in us-east-1 whatever the stack's region.
      const { RegionOptStatus } = await new AccountClient({ region: "us-east-1" }).send(new GetRegionOptStatusCommand({ RegionName: region }));
      if (RegionOptStatus === "ENABLED" || RegionOptStatus === "ENABLED_BY_DEFAULT") return pass(`${region} is enabled (${why})`);
      return fail(
        `${region} is ${RegionOptStatus?.toLowerCase() ?? "not enabled"}; the stack needs it for ${why}`,
        RegionOptStatus === "ENABLING"
          ? "wait until enabling finishes (minutes to hours), then run preflight again"
          : `aws account enable-region --region-name ${region}, and wait until it is enabled`,
      );
    },
  }));
  checks.push({
    name: "lambda concurrency",
    reads: "lambda:GetAccountSettings",
    async run() {
      const settings = await new LambdaClient({ region: req.region }).send(new GetAccountSettingsCommand({}));
      const quota = settings.AccountLimit?.ConcurrentExecutions ?? 0;
      const needed = req.reservedConcurrency + LAMBDA_UNRESERVED_MINIMUM;
      if (req.reservedConcurrency === 0) return pass(`nothing reserved; the account allows ${quota} concurrent executions`);
      if (quota >= needed) return pass(`quota ${quota} covers ${req.reservedConcurrency} reserved + ${LAMBDA_UNRESERVED_MINIMUM} Lambda keeps unreserved`);
      return fail(
        `quota ${quota} is below ${needed}: ${req.reservedConcurrency} reserved + ${LAMBDA_UNRESERVED_MINIMUM} Lambda keeps unreserved`,
        `ask Service Quotas for "Concurrent executions" (L-B99A9384) of at least ${needed} in ${req.region}, or lower tms:functions.reservedConcurrency`,
      );
    },
  });
  checks.push({
    name: "database class",
    reads: "rds:DescribeOrderableDBInstanceOptions",
    async run() {
      const { instanceClass, multiAz } = req.database;
      const client = new RDSClient({ region: req.region });
      let marker: string | undefined;
      do {
        const page = await client.send(new DescribeOrderableDBInstanceOptionsCommand({ Engine: "postgres", DBInstanceClass: instanceClass, Marker: marker }));
        const options = (page.OrderableDBInstanceOptions ?? []).filter(
          (o) => o.EngineVersion?.split(".")[0] === POSTGRES_MAJOR && (!multiAz || o.MultiAZCapable),
        );
        if (options.length > 0) return pass(`${instanceClass} runs PostgreSQL ${POSTGRES_MAJOR}${multiAz ? " Multi-AZ" : ""} in ${req.region}`);
        marker = page.Marker;
      } while (marker);
      return fail(
        `${instanceClass} cannot run PostgreSQL ${POSTGRES_MAJOR}${multiAz ? " Multi-AZ" : ""} in ${req.region}`,
        "choose another tms:database.instanceClass",
      );
    },
  });
  if (req.ses) {
    const identity = req.ses.identity;
    checks.push({
      name: "ses identity",
      reads: "ses:GetEmailIdentity",
      async run() {
        const found = await new SESv2Client({ region: req.region }).send(new GetEmailIdentityCommand({ EmailIdentity: identity }));
        if (found.VerifiedForSendingStatus) return pass(`${identity} is verified for sending in ${req.region}`);
        return fail(
          `${identity} is not verified for sending in ${req.region}`,
          `verify it in SES (${identity.includes("@") ? "click the link sent to it" : "publish its DKIM records"}), then run preflight again`,
        );
      },
    });
    checks.push({
      name: "ses sandbox",
      reads: "ses:GetAccount",
      async run() {
        const account = await new SESv2Client({ region: req.region }).send(new GetAccountCommand({}));
        if (account.ProductionAccessEnabled) return pass(`SES production access in ${req.region}`);
        return fail(
          `SES in ${req.region} is in the sandbox: invitations would reach only verified addresses`,
          "request SES production access for the region (aws sesv2 put-account-details)",
        );
      },
    });
  }
  if (req.hostedZone) {
    const { id, domain } = req.hostedZone;
    checks.push({
      name: "hosted zone",
      reads: "route53:GetHostedZone",
      async run() {
        const zone = await new Route53Client({ region: "us-east-1" }).send(new GetHostedZoneCommand({ Id: id }));
        const name = (zone.HostedZone?.Name ?? "").replace(/\.$/, "");
        if (zone.HostedZone?.Config?.PrivateZone)
          return fail(`${id} (${name}) is a private zone; the site needs public DNS`, "set tms:edge.domain.hostedZoneId to the public zone");
        if (domain !== name && !domain.endsWith(`.${name}`))
          return fail(`${id} is ${name}, which cannot hold ${domain}`, "set tms:edge.domain.hostedZoneId to the zone of the domain");
        return pass(`${id} (${name}) holds ${domain}`);
      },
    });
  }
  return checks;
}

export type Credentials = { ok: true; account: string; arn: string } | { ok: false; reason: string };

/** Who the SDK's standard credential chain says we are, if anyone. */
export async function callerIdentity(region: string): Promise<Credentials> {
  try {
    const id = await new STSClient({ region }).send(new GetCallerIdentityCommand({}));
    return { ok: true, account: id.Account ?? "?", arn: id.Arn ?? "?" };
  } catch (err) {
    return { ok: false, reason: (err as Error).message.split("\n")[0] };
  }
}

const permissionHint = (err: unknown, reads: string) =>
  (err as { name?: string })?.name === "AccessDeniedException" || /AccessDenied|not authorized/i.test(String((err as Error)?.message))
    ? `grant ${reads} to the role that runs preflight`
    : "check the error and run preflight again";

/** Runs every check; a check that cannot read what it needs fails, saying why. */
export async function runChecks(req: Requirements, onResult: (result: CheckResult) => void = () => undefined): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checksFor(req)) {
    let result: CheckResult;
    try {
      result = { check: check.name, ...(await check.run()) };
    } catch (err) {
      result = { check: check.name, ok: false, detail: `could not check: ${(err as Error).message}`, fix: permissionHint(err, check.reads) };
    }
    results.push(result);
    onResult(result);
  }
  return results;
}

/** Exit statuses of `npm run preflight` (2 and 3 are every command's: bad arguments, crashed). */
export const PREFLIGHT_EXIT = { ready: 0, notReady: 4, noCredentials: 5 } as const;

/**
 * Checks the account for a stack's requirements, printing one line per check,
 * and answers the exit status: ready, not ready, or no credentials (in which
 * case it lists what it would check, and checks nothing).
 */
export async function preflight(req: Requirements, print: (line: string) => void): Promise<number> {
  const checks = checksFor(req);
  const caller = await callerIdentity(req.region);
  if (!caller.ok) {
    print(`preflight for stack ${req.stack}: NOT RUN, no usable AWS credentials (${caller.reason}).`);
    print("With credentials (the SDK's standard chain: environment, profile, SSO, web identity), it checks:");
    for (const check of checks) print(`  - ${check.name} (reads ${check.reads})`);
    return PREFLIGHT_EXIT.noCredentials;
  }
  print(`preflight for stack ${req.stack} in account ${caller.account} as ${caller.arn}`);
  const width = Math.max(...checks.map((c) => c.name.length));
  const results = await runChecks(req, (r) => print(`${r.ok ? "PASS" : "FAIL"}  ${r.check.padEnd(width)}  ${r.detail}${r.fix ? ` (fix: ${r.fix})` : ""}`));
  const failed = results.filter((r) => !r.ok).length;
  print(failed === 0 ? `ready: ${results.length} checks passed` : `not ready: ${failed} of ${results.length} checks failed`);
  return failed === 0 ? PREFLIGHT_EXIT.ready : PREFLIGHT_EXIT.notReady;
}
