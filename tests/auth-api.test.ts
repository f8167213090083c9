import { strict as assert } from "assert";
import { ApiTier, LAMBDA_RUNTIME, contractProblems } from "../components/api";
import { bundleFunction } from "../handlers/bundle";
import { FUNCTIONS, FUNCTION_NAMES, environmentOf } from "../rules/functions";
import { migrationsHash } from "../handlers/migrate/runner";
import { ROUTES, routeKey } from "../handlers/routes";
import { runProgram } from "../plan/engine";
import { T, StackRun, policyJson, runStack } from "./harness";

for (const stack of ["prod", "dev"] as const) {
  describe(`Auth (${stack})`, () => {
    let run: StackRun;
    before(async () => (run = await runStack(stack)));

    it("signs users in by email, with a 12-character, all-classes password policy and TOTP MFA", () => {
      const pool = run.find(T.pool);
      assert.deepEqual(pool.inputs.usernameAttributes, ["email"]);
      assert.deepEqual(pool.inputs.passwordPolicy, {
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 3,
      });
      assert.equal(pool.inputs.mfaConfiguration, "OPTIONAL");
      assert.deepEqual(pool.inputs.softwareTokenMfaConfiguration, { enabled: true });
      assert.deepEqual(pool.inputs.accountRecoverySetting, { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] });
      assert.equal(pool.inputs.deletionProtection, stack === "prod" ? "ACTIVE" : "INACTIVE");
      assert.equal(pool.inputs.userPoolTier, "ESSENTIALS", "threat protection is off: no Plus plan");
    });

    it("gives every user an immutable org_id, and has one group per role", () => {
      const [orgId] = run.find(T.pool).inputs.schemas as any[];
      assert.deepEqual({ name: orgId.name, mutable: orgId.mutable }, { name: "org_id", mutable: false });
      assert.deepEqual(
        run
          .byType(T.group)
          .map((g) => g.inputs.name)
          .sort(),
        ["admin", "dispatcher", "driver", "viewer"],
      );
    });

    it("has a public SPA client: no secret, the code flow (PKCE) returning to the site's own URL, user-existence errors suppressed", () => {
      const client = run.find(T.client);
      assert.equal(client.inputs.generateSecret, false);
      assert.equal(client.inputs.preventUserExistenceErrors, "ENABLED");
      assert.deepEqual(client.inputs.writeAttributes, ["email"], "users cannot change their organisation");
      assert.equal(client.inputs.accessTokenValidity, 60);
      assert.deepEqual(client.inputs.allowedOauthFlows, ["code"]);
      // The site's URL is the Edge's: the CloudFront domain in both stacks, which have no custom domain.
      const site = `${run.outputs.siteUrl}/`;
      assert.match(site, /^https:\/\/[\w-]+\.cloudfront\.net\/$/);
      assert.deepEqual(client.inputs.callbackUrls, stack === "dev" ? [site, "http://localhost:5173/"] : [site]);
      assert.deepEqual(client.inputs.logoutUrls, client.inputs.callbackUrls);
      const cognito = run.outputs.cognito as Record<string, string>;
      assert.match(cognito.issuerUrl, /^https:\/\/cognito-idp\.ap-south-1\.amazonaws\.com\/ap-south-1_/);
      assert.match(cognito.hostedDomain, new RegExp(`^tms-${stack}-123456789012\\.auth\\.ap-south-1\\.amazoncognito\\.com$`));
    });
  });

  describe(`ApiTier (${stack})`, () => {
    let run: StackRun;
    const fnNamed = (fn: string) => run.find(T.fn, `api-${fn}`);
    before(async () => (run = await runStack(stack)));

    it("creates every route of the route table, with the JWT authorizer on all but the health check", () => {
      const authorizer = run.find(T.authorizer);
      const routes = run.byType(T.route);
      assert.deepEqual(routes.map((r) => r.inputs.routeKey).sort(), ROUTES.map(routeKey).sort());
      for (const route of ROUTES) {
        const deployed = routes.find((r) => r.inputs.routeKey === routeKey(route))!;
        if (route.auth === "none") assert.deepEqual([deployed.inputs.authorizationType, deployed.inputs.authorizerId], ["NONE", undefined], routeKey(route));
        else assert.deepEqual([deployed.inputs.authorizationType, deployed.propertyDependencies.authorizerId], ["JWT", [authorizer.urn]], routeKey(route));
        const integration = run.byType(T.integration).find((i) => deployed.propertyDependencies.target.includes(i.urn))!;
        assert.ok(
          integration.propertyDependencies.integrationUri.some(
            (urn) => urn.endsWith(`::api-${route.function}`) || urn.endsWith(`::api-${route.function}-live`),
          ),
          `${routeKey(route)} → ${route.function}`,
        );
      }
    });

    it("trusts Cognito's issuer with the SPA client as audience", () => {
      const authorizer = run.find(T.authorizer);
      const cognito = run.outputs.cognito as Record<string, string>;
      assert.deepEqual(authorizer.inputs.jwtConfiguration, { issuer: cognito.issuerUrl, audiences: [cognito.clientId] });
      assert.deepEqual(authorizer.inputs.identitySources, ["$request.header.Authorization"]);
    });

    it("throttles every route at 1000 rps with bursts of 500, both set explicitly, and logs access as JSON", () => {
      const stage = run.find(T.stage);
      assert.equal(stage.inputs.name, "$default");
      assert.equal(stage.inputs.autoDeploy, true);
      assert.deepEqual(stage.inputs.defaultRouteSettings, { throttlingRateLimit: 1000, throttlingBurstLimit: 500, detailedMetricsEnabled: true });
      const logs = run.find(T.logGroup, "api-access-logs");
      assert.equal(logs.inputs.name, `/aws/apigateway/tms-${stack}-api`);
      assert.deepEqual(
        (stage.inputs.accessLogSettings as any).destinationArn,
        `arn:aws:logs:ap-south-1:123456789012:log-group:/aws/apigateway/tms-${stack}-api`,
      );
      assert.equal(JSON.parse((stage.inputs.accessLogSettings as any).format).requestId, "$context.requestId");
    });

    it("deploys one arm64 Lambda per function, VPC-attached, traced, logging JSON to its own group", () => {
      for (const fn of FUNCTION_NAMES) {
        const lambda = fnNamed(fn);
        assert.equal(lambda.inputs.name, `tms-${stack}-${fn}`);
        assert.equal(lambda.inputs.runtime, LAMBDA_RUNTIME);
        assert.deepEqual(lambda.inputs.architectures, ["arm64"]);
        assert.deepEqual((lambda.inputs.vpcConfig as any).securityGroupIds, [run.find("aws:ec2/securityGroup:SecurityGroup", "network-lambda").id]);
        assert.deepEqual((lambda.inputs.vpcConfig as any).subnetIds, run.outputs.privateSubnetIds);
        assert.deepEqual(lambda.inputs.tracingConfig, { mode: "Active" });
        assert.equal((lambda.inputs.loggingConfig as any).logFormat, "JSON");
        const logs = run.find(T.logGroup, `api-${fn}-logs`);
        assert.equal(logs.inputs.name, `/aws/lambda/tms-${stack}-${fn}`);
        assert.ok(lambda.dependencies.includes(logs.urn), "the log group comes first");
        assert.equal(lambda.inputs.timeout, FUNCTIONS[fn].trigger === "http" ? 30 : 300);
        const memory = Number(lambda.inputs.memorySize);
        assert.ok(memory >= 512 && memory <= 1024);
      }
      if (stack === "prod") assert.equal(fnNamed("tracking").inputs.memorySize, 1024);
    });

    it("gives each function exactly the environment its contract names", () => {
      for (const fn of FUNCTION_NAMES) {
        const variables = Object.keys((fnNamed(fn).inputs.environment as any).variables).sort();
        const contract = environmentOf(fn).map((v) => v.name);
        assert.ok(
          variables.every((v) => contract.includes(v)),
          `${fn} gets ${variables.filter((v) => !contract.includes(v))}`,
        );
        for (const required of environmentOf(fn).filter((v) => v.required)) assert.ok(variables.includes(required.name), `${fn} lacks ${required.name}`);
      }
      const trips = (fnNamed("trips").inputs.environment as any).variables;
      assert.equal(trips.DOCUMENTS_BUCKET, `tms-${stack}-documents-123456789012`);
      assert.equal(trips.DB_HOST, `tms-${stack}-db.abcdefghijkl.ap-south-1.rds.amazonaws.com`);
      assert.equal((fnNamed("tracking").inputs.environment as any).variables.REDIS_HOST, `master.tms-${stack}-redis.abcdef.aps1.cache.amazonaws.com`);
    });

    it("ships each function's own deterministic bundle", () => {
      for (const fn of FUNCTION_NAMES) {
        assert.equal(fnNamed(fn).inputs.sourceCodeHash, bundleFunction(fn).hash, fn);
        assert.equal(fnNamed(fn).inputs.handler, "index.handler");
      }
    });

    it("gives each function a role that names only its own resources", () => {
      const secretArn = (name: string) => (run.outputs as any)[name];
      for (const fn of FUNCTION_NAMES) {
        const role = run.find(T.role, `api-${fn}`);
        assert.deepEqual(
          policyJson(role.inputs.assumeRolePolicy).Statement.map((s) => s.Principal),
          [{ Service: "lambda.amazonaws.com" }],
        );
        const statements = policyJson(run.find(T.rolePolicy, `api-${fn}`).inputs.policy).Statement;
        const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
        assert.equal(bySid.OwnLogGroup.Resource, `arn:aws:logs:ap-south-1:123456789012:log-group:/aws/lambda/tms-${stack}-${fn}:*`);
        const secrets = [bySid.OwnSecrets?.Resource ?? []].flat();
        const expected = [
          ...(FUNCTIONS[fn].database ? [secretArn("postgres").masterSecretArn] : []),
          ...(FUNCTIONS[fn].redis ? [secretArn("redis").authTokenSecretArn] : []),
          // The origin header's secret, where CloudFront proves itself to the API functions.
          ...(FUNCTIONS[fn].trigger === "http" && stack === "prod"
            ? ["arn:aws:secretsmanager:ap-south-1:123456789012:secret:tms-prod/api/origin-verify-AbCdEf"]
            : []),
        ];
        assert.deepEqual(secrets.sort(), expected.sort(), fn);
        if (FUNCTIONS[fn].documents) {
          assert.deepEqual(bySid.Documents.Resource, `arn:aws:s3:::tms-${stack}-documents-123456789012/orgs/*`);
          assert.deepEqual(bySid.Documents.Action, ["s3:PutObject", "s3:GetObject"]);
          // Listing, so that a missing key is a 404 (not a 403), and only under the organisations' prefix.
          assert.deepEqual(bySid.ListDocuments, {
            Sid: "ListDocuments",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: `arn:aws:s3:::tms-${stack}-documents-123456789012`,
            Condition: { StringLike: { "s3:prefix": "orgs/*" } },
          });
        } else {
          assert.equal(bySid.Documents, undefined, `${fn} has no business with documents`);
          assert.equal(bySid.ListDocuments, undefined, fn);
        }
        const wildcard = statements.filter((s) => [s.Resource].flat().includes("*"));
        assert.deepEqual(wildcard.map((s) => s.Sid).sort(), ["Tracing", "VpcNetworkInterfaces"]);
      }
    });

    it(`reserves and provisions concurrency exactly where ${stack} configures it`, () => {
      for (const fn of FUNCTION_NAMES) {
        const reserved = fnNamed(fn).inputs.reservedConcurrentExecutions;
        if (stack === "dev") assert.equal(reserved, undefined, `${fn}: dev reserves nothing`);
        else assert.equal(reserved, FUNCTIONS[fn].singleton ? 1 : 100, fn);
      }
      const provisioned = run.byType(T.provisioned);
      if (stack === "dev") {
        assert.deepEqual(provisioned, []);
        assert.deepEqual(run.byType(T.alias), []);
        return;
      }
      assert.deepEqual(provisioned.map((p) => [p.inputs.functionName, p.inputs.qualifier, p.inputs.provisionedConcurrentExecutions]).sort(), [
        ["tms-prod-tracking", "live", 5],
        ["tms-prod-trips", "live", 5],
      ]);
      for (const fn of ["tracking", "trips"]) {
        assert.equal(fnNamed(fn).inputs.publish, true);
        const alias = run.find(T.alias, `api-${fn}-live`);
        assert.equal(alias.inputs.functionVersion, "1", "the alias points at a published version");
        const integration = run.find(T.integration, `api-${fn}`);
        assert.deepEqual(integration.propertyDependencies.integrationUri, [alias.urn], "API Gateway calls the warm alias");
      }
    });

    it("lets only this API invoke the functions", () => {
      const executionArn = `arn:aws:execute-api:ap-south-1:123456789012:tms-${stack}-api`;
      const permissions = run.byType(T.permission);
      assert.deepEqual(
        permissions.map((p) => p.inputs.function).sort(),
        ["maps", "tracking", "trips", "users"].map((fn) => `tms-${stack}-${fn}`),
      );
      for (const permission of permissions) {
        assert.equal(permission.inputs.principal, "apigateway.amazonaws.com");
        assert.equal(permission.inputs.sourceArn, `${executionArn}/*/*`);
      }
    });

    it("schedules the jobs in Asia/Kolkata with retries and an encrypted dead-letter queue, under a role that can only invoke them", () => {
      const schedules = run.byType(T.schedule);
      assert.deepEqual(schedules.map((s) => [JSON.parse((s.inputs.target as any).input).task, s.inputs.scheduleExpression]).sort(), [
        ["mark-delayed-trips", "rate(5 minutes)"],
        ["purge-positions", "cron(30 2 * * ? *)"],
      ]);
      const dlq = run.find(T.queue);
      assert.equal(dlq.inputs.sqsManagedSseEnabled, true);
      const jobsArn = `arn:aws:lambda:ap-south-1:123456789012:function:tms-${stack}-jobs`;
      for (const schedule of schedules) {
        const target = schedule.inputs.target as any;
        assert.equal(schedule.inputs.scheduleExpressionTimezone, "Asia/Kolkata");
        assert.equal(target.arn, jobsArn);
        assert.deepEqual(target.retryPolicy, { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 });
        assert.equal(target.deadLetterConfig.arn, `arn:aws:sqs:ap-south-1:123456789012:tms-${stack}-jobs-dlq`);
      }
      const role = run.find(T.role, "api-scheduler");
      assert.deepEqual(
        policyJson(role.inputs.assumeRolePolicy).Statement.map((s) => s.Principal),
        [{ Service: "scheduler.amazonaws.com" }],
      );
      const statements = policyJson(run.find(T.rolePolicy, "api-scheduler").inputs.policy).Statement;
      const invokes = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith("lambda:")));
      assert.deepEqual(
        invokes.map((s) => [s.Action, s.Resource]),
        [["lambda:InvokeFunction", jobsArn]],
        "one permission: invoke the jobs function",
      );
    });

    it("runs the migrations during the deploy whenever their content changes, before the API functions", () => {
      const invocation = run.find(T.invocation);
      assert.equal(invocation.inputs.functionName, `tms-${stack}-migrate`);
      assert.deepEqual(invocation.inputs.triggers, { migrations: migrationsHash() });
      for (const fn of FUNCTION_NAMES.filter((f) => f !== "migrate"))
        assert.ok(fnNamed(fn).dependencies.includes(invocation.urn), `${fn} waits for the migrations`);
    });

    it("exports the API endpoint, id and function names", () => {
      assert.equal(run.outputs.apiUrl, `https://tms-${stack}-api.execute-api.ap-south-1.amazonaws.com`);
      assert.deepEqual(Object.keys(run.outputs.functionNames as object).sort(), [...FUNCTION_NAMES].sort());
    });
  });
}

describe("ApiTier: user management", () => {
  it("lets the users function, and no other, call exactly the user-management operations on the stack's own pool", async () => {
    const run = await runStack("prod");
    const cognitoStatements = (fn: string) =>
      (policyJson(run.find(T.rolePolicy, `api-${fn}`).inputs.policy).Statement as any[]).filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith("cognito")),
      );
    const poolId = "ap-south-1_Mockauthusers";
    const poolArn = `arn:aws:cognito-idp:ap-south-1:123456789012:userpool/${poolId}`;
    assert.deepEqual(cognitoStatements("users"), [
      {
        Sid: "ManageUsers",
        Effect: "Allow",
        Action: [
          "cognito-idp:AdminCreateUser",
          "cognito-idp:AdminAddUserToGroup",
          "cognito-idp:AdminRemoveUserFromGroup",
          "cognito-idp:AdminDisableUser",
          "cognito-idp:AdminEnableUser",
        ],
        Resource: poolArn,
      },
    ]);
    for (const fn of FUNCTION_NAMES.filter((f) => f !== "users")) assert.deepEqual(cognitoStatements(fn), [], fn);
    assert.equal((run.find(T.fn, "api-users").inputs.environment as any).variables.USER_POOL_ID, poolId);
  });
});

describe("ApiTier: maps on Amazon Location Service", () => {
  const locationStatementsOf = (run: StackRun, fn: string) =>
    (policyJson(run.find(T.rolePolicy, `api-${fn}`).inputs.policy).Statement as any[]).filter((s) =>
      [s.Action].flat().some((a: string) => a.startsWith("geo")),
    );

  it("lets each function call exactly the operations it uses, on the region's AWS-managed providers, with no key or secret", async () => {
    const run = await runStack("prod");
    assert.deepEqual(locationStatementsOf(run, "maps"), [
      {
        Sid: "LocationPlaces",
        Effect: "Allow",
        Action: ["geo-places:Geocode", "geo-places:ReverseGeocode"],
        Resource: "arn:aws:geo-places:ap-south-1::provider/default",
      },
      { Sid: "LocationRoutes", Effect: "Allow", Action: ["geo-routes:CalculateRoutes"], Resource: "arn:aws:geo-routes:ap-south-1::provider/default" },
    ]);
    assert.deepEqual(locationStatementsOf(run, "tracking"), [
      { Sid: "LocationRoutes", Effect: "Allow", Action: ["geo-routes:SnapToRoads"], Resource: "arn:aws:geo-routes:ap-south-1::provider/default" },
    ]);
    for (const fn of FUNCTION_NAMES.filter((f) => FUNCTIONS[f].location.length === 0)) assert.deepEqual(locationStatementsOf(run, fn), [], fn);
    for (const fn of ["maps", "tracking"]) assert.equal((run.find(T.fn, `api-${fn}`).inputs.environment as any).variables.MAPS_PROVIDER, "amazon-location");
    assert.equal(run.byType("aws:secretsmanager/secret:Secret").filter((s) => s.name.includes("maps")).length, 0, "no maps secret");
  });

  it("grants nothing of Amazon Location on the estimate, and says so to the functions", async () => {
    const run = await runStack("dev", { "tms:maps": { provider: "estimate" } });
    for (const fn of FUNCTION_NAMES) assert.deepEqual(locationStatementsOf(run, fn), [], fn);
    assert.equal((run.find(T.fn, "api-maps").inputs.environment as any).variables.MAPS_PROVIDER, "estimate");
    await assert.rejects(
      runStack("dev", { "tms:maps": { provider: "google" } }),
      /tms:maps\.provider: got "google"; expected one of "amazon-location", "estimate"/,
    );
  });
});

describe("Auth: Cognito's email", () => {
  it("uses Cognito's default sender (about 50 emails a day) unless an SES identity is configured", async () => {
    assert.deepEqual((await runStack("prod")).find(T.pool).inputs.emailConfiguration, { emailSendingAccount: "COGNITO_DEFAULT" });
  });

  it("sends through the configured, verified SES identity of the stack's region", async () => {
    const run = await runStack("prod", { "tms:auth": { email: { from: "TMS <no-reply@tms.example.in>", sesIdentity: "tms.example.in" } } });
    assert.deepEqual(run.find(T.pool).inputs.emailConfiguration, {
      emailSendingAccount: "DEVELOPER",
      fromEmailAddress: "TMS <no-reply@tms.example.in>",
      sourceArn: "arn:aws:ses:ap-south-1:123456789012:identity/tms.example.in",
    });
  });

  it("refuses a from address the SES identity cannot send as", async () => {
    await assert.rejects(
      runStack("dev", { "tms:auth": { email: { from: "no-reply@elsewhere.in", sesIdentity: "tms.example.in" } } }),
      /tms:auth\.email\.from: .*expected the from address to be the SES identity or at its domain/,
    );
    await assert.rejects(runStack("dev", { "tms:auth": { email: { from: "not an address", sesIdentity: "tms.example.in" } } }), /tms:auth\.email\.from/);
  });
});

describe("ApiTier and Edge: only CloudFront reaches the API where the stack has a WAF", () => {
  it("prod: CloudFront sends a generated secret header that only the API functions may read; nothing prints it", async () => {
    const run = await runStack("prod");
    const secret = run.find("aws:secretsmanager/secret:Secret", "api-origin-verify");
    assert.equal(secret.inputs.name, "tms-prod/api/origin-verify");
    assert.ok(secret.inputs.kmsKeyId);
    assert.equal(run.find("aws:secretsmanager/secretVersion:SecretVersion", "api-origin-verify").inputs.secretString, "[secret]");
    assert.deepEqual(
      run
        .byType("random:index/randomPassword:RandomPassword")
        .filter((r) => /origin-verify/.test(r.name))
        .map((r) => [r.name, r.inputs.length, r.inputs.special]),
      [
        ["api-origin-verify-a", 48, false],
        ["api-origin-verify-b", 48, false],
      ],
    );
    const origins = run.find("aws:cloudfront/distribution:Distribution").inputs.origins as any[];
    assert.deepEqual(origins.find((o) => o.originId === "api").customHeaders, [{ name: "x-origin-verify", value: "[secret]" }]);
    assert.equal(origins.find((o) => o.originId === "spa").customHeaders, undefined, "S3 gets no API secret");
    const everything = JSON.stringify({ resources: run.resources, outputs: run.outputs });
    assert.ok(!everything.includes("mock-password-api-origin-verify"), "the generated value appears nowhere in the plan");
    for (const fn of FUNCTION_NAMES) {
      const variables = (run.find(T.fn, `api-${fn}`).inputs.environment as any).variables;
      const readable = JSON.stringify(run.find(T.rolePolicy, `api-${fn}`).inputs.policy).includes("api/origin-verify");
      if (FUNCTIONS[fn].trigger === "http") {
        assert.equal(variables.ORIGIN_VERIFY_SECRET_ARN, "arn:aws:secretsmanager:ap-south-1:123456789012:secret:tms-prod/api/origin-verify-AbCdEf", fn);
        assert.ok(readable, `${fn} checks the header, so it may read the secret`);
      } else {
        assert.equal(variables.ORIGIN_VERIFY_SECRET_ARN, undefined, fn);
        assert.ok(!readable, `${fn} is never called through CloudFront`);
      }
    }
  });

  it("dev: no origin secret, and a WAF without one is refused at startup", async () => {
    const dev = await runStack("dev");
    assert.equal(dev.byType("aws:secretsmanager/secret:Secret").filter((s) => /origin-verify/.test(s.name)).length, 0);
    assert.equal((dev.find(T.fn, "api-trips").inputs.environment as any).variables.ORIGIN_VERIFY_SECRET_ARN, undefined);
    await assert.rejects(runStack("dev", { "tms:edge": { waf: true } }), /tms:edge\.originVerify: .*expected the origin secret with a WAF/);
  });

  it("sends the active value: switching activeSecret changes only CloudFront's header", async () => {
    const b = await runStack("prod", { "tms:edge": { originVerify: { activeSecret: "b" } } });
    const a = await runStack("prod");
    const header = (run: StackRun) =>
      (run.find("aws:cloudfront/distribution:Distribution").propertyDependencies.origins ?? [])
        .map((urn) => run.byUrn(urn).name)
        .filter((n) => /origin-verify/.test(n));
    assert.deepEqual(header(a), ["api-origin-verify-a"]);
    assert.deepEqual(header(b), ["api-origin-verify-b"]);
  });
});

describe("ApiTier: the route table and the runtime contract must agree", () => {
  it("finds a route without a function, a route to a non-API function, and a function nothing invokes", () => {
    const problems = contractProblems(
      [
        ...ROUTES,
        { method: "GET", path: "/api/ghost", function: "ghost" as never, operation: "x", auth: "jwt", roles: ["admin"] },
        { method: "GET", path: "/api/run-jobs", function: "jobs", operation: "x", auth: "jwt", roles: ["admin"] },
      ],
      {
        ...FUNCTIONS,
        reports: { trigger: "http", timeoutSeconds: 30, database: false, redis: false, documents: false, location: [], cognito: [], singleton: false },
      },
    );
    assert.deepEqual(
      problems.map((p) => p.message),
      [
        'expected a function the runtime contract defines for GET /api/ghost, got "ghost"',
        "expected an API function for GET /api/run-jobs; jobs is invoked directly",
        "expected a route or a schedule that invokes it; nothing does",
      ],
    );
  });

  it("stops the program with a clear message when they disagree", async () => {
    const broken = ROUTES.filter((r) => r.function !== "maps");
    await assert.rejects(
      runProgram({
        stack: "dev",
        program: () =>
          new ApiTier("api", {
            namePrefix: "tms-dev",
            network: { privateSubnetIds: [], lambdaSecurityGroupId: "sg" },
            database: { host: "h", port: 5432, name: "tms", secretArn: "s", kmsKeyArn: "k" },
            documents: { bucketName: "b", bucketArn: "arn:aws:s3:::b", kmsKeyArn: "k" },
            auth: {
              issuerUrl: "https://issuer",
              clientId: "c",
              userPoolId: "ap-south-1_pool",
              userPoolArn: "arn:aws:cognito-idp:ap-south-1:1:userpool/ap-south-1_pool",
            },
            throttling: { rateLimit: 1000, burstLimit: 500 },
            routes: broken,
          }),
      }),
      /Invalid arguments for tms:api:ApiTier:\n {2}- functions\.maps: expected a route or a schedule that invokes it; nothing does/,
    );
  });
});
