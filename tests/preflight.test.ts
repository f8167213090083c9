/**
 * npm run preflight: every check against the AWS SDK's own mock library
 * (aws-sdk-client-mock), answering as the real APIs do, and both exit paths.
 */
import { strict as assert } from "assert";
import { AccountClient, GetRegionOptStatusCommand } from "@aws-sdk/client-account";
import { GetAccountSettingsCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DescribeOrderableDBInstanceOptionsCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { decodeConfigValues, parseStackConfig } from "../config";
import { stackConfigValues } from "../plan/engine";
import { PREFLIGHT_EXIT, Requirements, preflight, requirementsOf } from "../scripts/preflight/checks";
import { preflightCommand } from "../scripts/preflight";
import { invoke, runScript } from "./cli";

const requirements = (stack: string, config?: Record<string, unknown>) => {
  const { values, secretKeys } = stackConfigValues({ stack, config });
  return requirementsOf(parseStackConfig(decodeConfigValues(values), stack, new Set(secretKeys)));
};

describe("npm run preflight", () => {
  const sts = mockClient(STSClient);
  const account = mockClient(AccountClient);
  const lambda = mockClient(LambdaClient);
  const rds = mockClient(RDSClient);
  const ses = mockClient(SESv2Client);
  const route53 = mockClient(Route53Client);
  const mocks = [sts, account, lambda, rds, ses, route53];
  after(() => mocks.forEach((m) => m.restore()));

  /** An account that has everything prod needs. */
  function readyAccount() {
    mocks.forEach((m) => m.reset());
    sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012", Arn: "arn:aws:sts::123456789012:assumed-role/tms-deploy/ci" });
    account.on(GetRegionOptStatusCommand, { RegionName: "us-east-1" }).resolves({ RegionName: "us-east-1", RegionOptStatus: "ENABLED_BY_DEFAULT" });
    account.on(GetRegionOptStatusCommand, { RegionName: "ap-south-2" }).resolves({ RegionName: "ap-south-2", RegionOptStatus: "ENABLED" });
    lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 1000 }, AccountUsage: { FunctionCount: 0 } });
    rds
      .on(DescribeOrderableDBInstanceOptionsCommand)
      .resolves({ OrderableDBInstanceOptions: [{ Engine: "postgres", EngineVersion: "15.8", DBInstanceClass: "db.r6g.large", MultiAZCapable: true }] });
    ses.on(GetEmailIdentityCommand).resolves({ VerifiedForSendingStatus: true, IdentityType: "DOMAIN" });
    ses.on(GetAccountCommand).resolves({ ProductionAccessEnabled: true, SendingEnabled: true });
    route53
      .on(GetHostedZoneCommand)
      .resolves({ HostedZone: { Id: "/hostedzone/Z0123456789ABCDEFGHIJ", Name: "example.in.", CallerReference: "x", Config: { PrivateZone: false } } });
  }

  const run = async (req: Requirements) => {
    const lines: string[] = [];
    const status = await preflight(req, (line) => lines.push(line));
    return { status, lines, failed: lines.filter((l) => l.startsWith("FAIL")), passed: lines.filter((l) => l.startsWith("PASS")) };
  };

  const withEverything = () =>
    requirements("prod", {
      "tms:auth": { email: { from: "TMS <no-reply@tms.example.in>", sesIdentity: "tms.example.in" } },
      "tms:edge": { domain: { name: "tms.example.in", hostedZoneId: "Z0123456789ABCDEFGHIJ" } },
    });

  it("derives what prod needs: us-east-1 and ap-south-2 enabled, 4×100+1+1 reserved, Multi-AZ db.r6g.large", () => {
    const req = requirements("prod");
    assert.deepEqual(
      req.regions.map((r) => r.region),
      ["us-east-1", "ap-south-2"],
    );
    assert.equal(req.reservedConcurrency, 402);
    assert.deepEqual(req.database, { instanceClass: "db.r6g.large", multiAz: true });
    const dev = requirements("dev");
    assert.deepEqual(
      dev.regions.map((r) => r.region),
      ["us-east-1"],
    );
    assert.equal(dev.reservedConcurrency, 0);
  });

  it("passes a ready account, one line per check, and exits 0", async () => {
    readyAccount();
    const result = await run(withEverything());
    assert.equal(result.status, PREFLIGHT_EXIT.ready, result.lines.join("\n"));
    assert.deepEqual(
      result.passed.map((l) => l.split(/\s{2,}/)[1]),
      ["region us-east-1", "region ap-south-2", "lambda concurrency", "database class", "ses identity", "ses sandbox", "hosted zone"],
    );
    assert.match(result.lines[0], /account 123456789012/);
    assert.equal(result.lines.at(-1), "ready: 7 checks passed");
  });

  it("fails a disabled opt-in region, with the fix, and exits 4", async () => {
    readyAccount();
    account.on(GetRegionOptStatusCommand, { RegionName: "ap-south-2" }).resolves({ RegionName: "ap-south-2", RegionOptStatus: "DISABLED" });
    const result = await run(requirements("prod"));
    assert.equal(result.status, PREFLIGHT_EXIT.notReady);
    assert.deepEqual(result.failed, [
      "FAIL  region ap-south-2   ap-south-2 is disabled; the stack needs it for the documents replica (fix: aws account enable-region --region-name ap-south-2, and wait until it is enabled)",
    ]);
  });

  it("fails a new account's Lambda quota below reserved + 100 unreserved", async () => {
    readyAccount();
    lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 10 } });
    const result = await run(requirements("prod"));
    assert.equal(result.status, PREFLIGHT_EXIT.notReady);
    assert.match(result.failed.join("\n"), /quota 10 is below 502: 402 reserved \+ 100 Lambda keeps unreserved .*L-B99A9384/);
    lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 502 } });
    assert.equal((await run(requirements("prod"))).status, PREFLIGHT_EXIT.ready, "exactly enough is enough");
  });

  it("fails a database class the region cannot run Multi-AZ, reading every page", async () => {
    readyAccount();
    rds
      .on(DescribeOrderableDBInstanceOptionsCommand)
      .resolvesOnce({ OrderableDBInstanceOptions: [{ EngineVersion: "14.12", MultiAZCapable: true }], Marker: "page-2" })
      .resolves({ OrderableDBInstanceOptions: [{ EngineVersion: "15.8", MultiAZCapable: false }] });
    const result = await run(requirements("prod"));
    assert.match(result.failed.join("\n"), /db\.r6g\.large cannot run PostgreSQL 15 Multi-AZ in ap-south-1/);
    assert.equal(rds.commandCalls(DescribeOrderableDBInstanceOptionsCommand).length, 2);
    assert.equal(rds.commandCalls(DescribeOrderableDBInstanceOptionsCommand)[1].args[0].input.Marker, "page-2");
  });

  it("fails an unverified SES identity and an account still in the SES sandbox", async () => {
    readyAccount();
    ses.on(GetEmailIdentityCommand).resolves({ VerifiedForSendingStatus: false });
    ses.on(GetAccountCommand).resolves({ ProductionAccessEnabled: false });
    const result = await run(withEverything());
    assert.deepEqual(
      result.failed.map((l) => l.split(/\s{2,}/)[1]),
      ["ses identity", "ses sandbox"],
    );
    assert.equal(ses.commandCalls(GetEmailIdentityCommand)[0].args[0].input.EmailIdentity, "tms.example.in");
  });

  it("fails a hosted zone that cannot hold the domain, or is private", async () => {
    readyAccount();
    route53.on(GetHostedZoneCommand).resolves({ HostedZone: { Id: "Z0123456789ABCDEFGHIJ", Name: "other.in.", CallerReference: "x" } });
    assert.match((await run(withEverything())).failed.join("\n"), /is other\.in, which cannot hold tms\.example\.in/);
    route53
      .on(GetHostedZoneCommand)
      .resolves({ HostedZone: { Id: "Z0123456789ABCDEFGHIJ", Name: "example.in.", CallerReference: "x", Config: { PrivateZone: true } } });
    assert.match((await run(withEverything())).failed.join("\n"), /private zone/);
  });

  it("fails a check it is not allowed to make, naming the permission", async () => {
    readyAccount();
    lambda
      .on(GetAccountSettingsCommand)
      .rejects(Object.assign(new Error("User is not authorized to perform: lambda:GetAccountSettings"), { name: "AccessDeniedException" }));
    const result = await run(requirements("prod"));
    assert.equal(result.status, PREFLIGHT_EXIT.notReady);
    assert.match(result.failed.join("\n"), /could not check: .*\(fix: grant lambda:GetAccountSettings to the role that runs preflight\)/);
  });

  it("without credentials says what it would check, checks nothing, and exits 5", async () => {
    readyAccount();
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
    const result = await run(requirements("prod"));
    assert.equal(result.status, PREFLIGHT_EXIT.noCredentials);
    assert.match(result.lines[0], /NOT RUN, no usable AWS credentials/);
    assert.deepEqual(result.passed, []);
    assert.ok(result.lines.some((l) => /- lambda concurrency \(reads lambda:GetAccountSettings\)/.test(l)));
    for (const m of [account, lambda, rds]) assert.equal(m.calls().length, 0, "nothing was checked");
  });

  it("refuses bad arguments and an unknown stack with exit 2", async () => {
    assert.equal((await runScript("preflight")).status, 2);
    const unknown = await invoke(preflightCommand, "--stack", "nope");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no stack "nope"/);
  });
});
