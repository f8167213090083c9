import { strict as assert } from "assert";
import type { PlanResource } from "../plan/engine";
import { checkStack, PolicyConfigError, resolvePackConfig, TMS_PACK } from "../policy/evaluate";
import { bucketWith, compliantDb, compliantDistribution, compliantFunction, compliantRedis, evaluate, policy, res, vpcWith } from "./policy-fixtures";
import { runStack } from "./harness";

interface Case {
  pass: PlanResource[];
  fail: PlanResource[];
  /** The violation message must match (it says what is wrong). */
  message: RegExp;
  /** Pack config for both cases (for policies switched on per stack). */
  config?: Record<string, unknown>;
}

const role = (trust: unknown, inline?: unknown) =>
  res("aws:iam/role:Role", "role", {
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [trust].flat() }),
    ...(inline ? { inlinePolicies: [{ name: "inline", policy: policy(JSON.stringify([inline].flat())) }] } : {}),
  });
const lambdaTrust = { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" };
const rolePolicy = (statements: unknown[]) => res("aws:iam/rolePolicy:RolePolicy", "role-policy", { role: "r", policy: policy(JSON.stringify(statements)) });
const sg = (ingress: unknown[]) => res("aws:ec2/securityGroup:SecurityGroup", "sg", { vpcId: "vpc-1", ingress });
const stage = (inputs: Record<string, unknown>) =>
  res("aws:apigatewayv2/stage:Stage", "stage", {
    name: "$default",
    accessLogSettings: { destinationArn: "arn:aws:logs:ap-south-1:1:log-group:/aws/apigateway/tms-prod-api", format: "{}" },
    defaultRouteSettings: { throttlingRateLimit: 1000, throttlingBurstLimit: 500 },
    ...inputs,
  });
const prodRequired = (name: string) => ({ [name]: { required: true } });
/** A trail of data events for the bucket's objects; `readOnly` narrows it to reads (not enough). */
const documentTrail = (bucket: string, options: { readOnly?: boolean } = {}) =>
  res("aws:cloudtrail/trail:Trail", "documents-access", {
    name: "documents-access",
    advancedEventSelectors: [
      {
        fieldSelectors: [
          { field: "eventCategory", equals: ["Data"] },
          { field: "resources.type", equals: ["AWS::S3::Object"] },
          { field: "resources.ARN", startsWiths: [`arn:aws:s3:::${bucket}/`] },
          ...(options.readOnly ? [{ field: "readOnly", equals: ["true"] }] : []),
        ],
      },
    ],
  });

/** A passing and a failing plan for every policy in the pack. */
const CASES: Record<string, Case> = {
  "s3-public-access-blocked": {
    pass: bucketWith(),
    fail: bucketWith({ override: { publicAccessBlock: { restrictPublicBuckets: false } } }),
    message: /public access block leaves restrictPublicBuckets off/,
  },
  "s3-kms-encryption": {
    pass: bucketWith({ v2: true }),
    fail: bucketWith({ v2: true, override: { encryption: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] } } }),
    message: /encrypts with AES256, not aws:kms/,
  },
  "s3-tls-only": {
    pass: bucketWith(),
    fail: bucketWith({ omit: ["policy"] }),
    message: /no bucket policy denies non-TLS requests/,
  },
  "s3-ownership-enforced": {
    pass: bucketWith(),
    fail: bucketWith({ override: { ownership: { rule: { objectOwnership: "ObjectWriter" } } } }),
    message: /ACLs are not disabled/,
  },
  "s3-versioning-enabled": {
    pass: bucketWith(),
    fail: bucketWith({ omit: ["versioning"] }),
    message: /bucket tms-prod-documents-abc .*versioning is not enabled/,
  },
  "rds-storage-encrypted": { pass: compliantDb(), fail: compliantDb({ storageEncrypted: false }), message: /storageEncrypted is not true/ },
  "rds-not-public": { pass: compliantDb(), fail: compliantDb({ publiclyAccessible: true }), message: /publiclyAccessible is true/ },
  "rds-performance-insights-encrypted": {
    pass: compliantDb(),
    fail: compliantDb({ performanceInsightsKmsKeyId: undefined }),
    message: /without performanceInsightsKmsKeyId/,
  },
  "rds-backup-retention": {
    pass: compliantDb(),
    fail: compliantDb({ backupRetentionPeriod: 7 }),
    message: /backupRetentionPeriod is 7; at least 30 required/,
    config: { "rds-backup-retention": { minimumDays: 30 } },
  },
  "rds-multi-az": { pass: compliantDb(), fail: compliantDb({ multiAz: false }), message: /multiAz is not true/, config: prodRequired("rds-multi-az") },
  "rds-deletion-protection": {
    pass: compliantDb(),
    fail: compliantDb({ deletionProtection: false }),
    message: /deletionProtection is not true/,
    config: prodRequired("rds-deletion-protection"),
  },
  "rds-iam-authentication": {
    pass: compliantDb(),
    fail: compliantDb({ iamDatabaseAuthenticationEnabled: false }),
    message: /iamDatabaseAuthenticationEnabled/,
  },
  "rds-force-ssl": {
    pass: compliantDb(),
    fail: [res("aws:rds/parameterGroup:ParameterGroup", "db-params", { family: "postgres15", parameters: [] }), compliantDb()[1]],
    message: /does not set rds\.force_ssl = 1/,
  },
  "elasticache-encryption-at-rest": {
    pass: [compliantRedis()],
    fail: [compliantRedis({ atRestEncryptionEnabled: "false" })],
    message: /atRestEncryptionEnabled/,
  },
  "elasticache-encryption-in-transit": {
    pass: [compliantRedis()],
    fail: [compliantRedis({ transitEncryptionMode: "preferred" })],
    message: /transitEncryptionMode is "preferred"/,
  },
  "elasticache-auth": { pass: [compliantRedis()], fail: [compliantRedis({ authToken: undefined })], message: /neither authToken nor userGroupIds/ },
  "elasticache-multi-az": {
    pass: [compliantRedis()],
    fail: [compliantRedis({ multiAzEnabled: false })],
    message: /must both be true/,
    config: prodRequired("elasticache-multi-az"),
  },
  "lambda-in-vpc": { pass: compliantFunction(), fail: compliantFunction({ vpcConfig: undefined }), message: /vpcConfig has no subnets/ },
  "lambda-supported-runtime": { pass: compliantFunction(), fail: compliantFunction({ runtime: "nodejs16.x" }), message: /runtime nodejs16\.x is not one of/ },
  "lambda-permission-scoped": {
    pass: [
      res("aws:lambda/permission:Permission", "invoke", {
        principal: "apigateway.amazonaws.com",
        sourceArn: "arn:aws:execute-api:ap-south-1:1:abc/*",
        action: "lambda:InvokeFunction",
      }),
    ],
    fail: [res("aws:lambda/permission:Permission", "invoke", { principal: "apigateway.amazonaws.com", action: "lambda:InvokeFunction" })],
    message: /may invoke without a sourceArn/,
  },
  "lambda-tracing": {
    pass: compliantFunction(),
    fail: compliantFunction({ tracingConfig: { mode: "PassThrough" } }),
    message: /tracingConfig\.mode is not Active/,
  },
  "lambda-log-group-retention": {
    pass: compliantFunction(),
    fail: [res("aws:cloudwatch/logGroup:LogGroup", "trips-logs", { name: "/aws/lambda/tms-prod-trips" }), compliantFunction()[1]],
    message: /log group \/aws\/lambda\/tms-prod-trips keeps logs forever/,
  },
  "apigw-access-logging": { pass: [stage({})], fail: [stage({ accessLogSettings: undefined })], message: /accessLogSettings is missing/ },
  "apigw-route-authorization": {
    pass: [
      res("aws:apigatewayv2/route:Route", "health", { routeKey: "GET /api/health", authorizationType: "NONE" }),
      res("aws:apigatewayv2/route:Route", "trips", { routeKey: "GET /api/trips", authorizationType: "JWT", authorizerId: "a" }),
    ],
    fail: [res("aws:apigatewayv2/route:Route", "trips", { routeKey: "GET /api/trips" })],
    message: /route "GET \/api\/trips" has no authorization/,
  },
  "apigw-throttling": {
    pass: [stage({})],
    fail: [stage({ defaultRouteSettings: { throttlingRateLimit: 1000 } })],
    message: /defaultRouteSettings\.throttlingBurstLimit is unset; it must be above zero/,
  },
  "scheduler-retry-dlq": {
    pass: [
      res("aws:scheduler/schedule:Schedule", "job", {
        target: { arn: "fn", roleArn: "r", retryPolicy: { maximumRetryAttempts: 3 }, deadLetterConfig: { arn: "q" } },
      }),
    ],
    fail: [res("aws:scheduler/schedule:Schedule", "job", { target: { arn: "fn", roleArn: "r", retryPolicy: { maximumRetryAttempts: 3 } } })],
    message: /deadLetterConfig has no queue/,
  },
  "cloudfront-https-only": {
    pass: [compliantDistribution()],
    fail: [compliantDistribution({ orderedCacheBehaviors: [{ pathPattern: "/api/*", targetOriginId: "api", viewerProtocolPolicy: "allow-all" }] })],
    message: /behavior \/api\/\* allows allow-all viewer protocol/,
  },
  "cloudfront-tls-minimum": {
    pass: [compliantDistribution()],
    fail: [compliantDistribution({ viewerCertificate: { acmCertificateArn: "arn:c", minimumProtocolVersion: "TLSv1_2016", sslSupportMethod: "sni-only" } })],
    message: /minimumProtocolVersion is TLSv1_2016/,
  },
  "cloudfront-origin-https": {
    pass: [compliantDistribution()],
    fail: [
      compliantDistribution({ origins: [{ originId: "api", customOriginConfig: { originProtocolPolicy: "match-viewer", originSslProtocols: ["TLSv1.2"] } }] }),
    ],
    message: /origin api uses match-viewer/,
  },
  "cloudfront-s3-origin-access-control": {
    pass: [compliantDistribution()],
    fail: [
      compliantDistribution({
        origins: [{ originId: "spa", domainName: "spa.s3.amazonaws.com", s3OriginConfig: { originAccessIdentity: "origin-access-identity/cloudfront/E1" } }],
      }),
    ],
    message: /legacy origin access identity/,
  },
  "cloudfront-default-root-object": {
    pass: [compliantDistribution()],
    fail: [compliantDistribution({ defaultRootObject: undefined })],
    message: /defaultRootObject is not set/,
  },
  "cloudfront-logging": { pass: [compliantDistribution()], fail: [compliantDistribution({ loggingConfig: undefined })], message: /writes no access logs/ },
  "s3-object-access-audited": {
    pass: [...bucketWith(), documentTrail("tms-prod-documents-abc")],
    fail: [...bucketWith(), documentTrail("tms-prod-documents-abc", { readOnly: true })],
    message: /bucket tms-prod-documents-abc .*nothing records who reads or writes its objects/,
    config: { "s3-object-access-audited": { bucketPatterns: ["documents"] } },
  },
  "cloudfront-waf": { pass: [compliantDistribution()], fail: [compliantDistribution({ webAclId: undefined })], message: /webAclId is not set/ },
  "ec2-no-open-ingress": {
    pass: [sg([{ protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: ["sg-lambda"] }])],
    fail: [sg([{ protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"] }])],
    message: /ingress tcp 22-22 from ::\/0/,
  },
  "ec2-default-security-group-closed": {
    pass: vpcWith(),
    fail: vpcWith({ omit: ["defaultSg"] }),
    message: /VPC vpc: its default security group is not managed/,
  },
  "vpc-flow-logs": { pass: vpcWith({ engineShape: true }), fail: vpcWith({ engineShape: true, omit: ["flowLog"] }), message: /VPC vpc has no flow log/ },
  "ec2-private-subnet-no-public-ip": {
    pass: [res("aws:ec2/subnet:Subnet", "public-1", { cidrBlock: "10.0.101.0/24", mapPublicIpOnLaunch: true, tags: { SubnetType: "Public" } })],
    fail: [res("aws:ec2/subnet:Subnet", "private-1", { cidrBlock: "10.0.1.0/24", mapPublicIpOnLaunch: true, tags: { SubnetType: "Private" } })],
    message: /subnet 10\.0\.1\.0\/24 \(Private\) maps public IPs on launch/,
  },
  "iam-no-wildcard-actions": {
    pass: [rolePolicy([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }])],
    fail: [rolePolicy([{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }])],
    message: /statement 1 allows "s3:\*"/,
  },
  "iam-no-wildcard-resource-writes": {
    pass: [rolePolicy([{ Effect: "Allow", Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "xray:PutTraceSegments"], Resource: "*" }])],
    fail: [rolePolicy([{ Sid: "Logs", Effect: "Allow", Action: ["logs:PutLogEvents", "logs:DescribeLogGroups"], Resource: "*" }])],
    message: /statement "Logs" allows logs:PutLogEvents on "\*"/,
  },
  "iam-location-on-managed-providers": {
    pass: [
      rolePolicy([
        { Effect: "Allow", Action: ["geo-places:Geocode", "geo-places:ReverseGeocode"], Resource: "arn:aws:geo-places:ap-south-1::provider/default" },
        { Effect: "Allow", Action: "geo-routes:SnapToRoads", Resource: "arn:aws:geo-routes:ap-south-1::provider/default" },
      ]),
    ],
    fail: [
      rolePolicy([{ Effect: "Allow", Action: "geo-places:Geocode", Resource: "*" }]),
      rolePolicy([{ Effect: "Allow", Action: ["geo-places:Geocode"], Resource: "arn:aws:geo-routes:ap-south-1::provider/default" }]),
    ],
    message: /statement 1 allows geo-places:Geocode on/,
  },
  "iam-no-not-action-or-not-resource": {
    pass: [rolePolicy([{ Effect: "Deny", NotAction: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }])],
    fail: [rolePolicy([{ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b" }])],
    message: /allows by exclusion/,
  },
  "iam-no-admin-policies": {
    pass: [
      res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach", {
        role: "r",
        policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
      }),
    ],
    fail: [res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })],
    message: /attaches arn:aws:iam::aws:policy\/AdministratorAccess/,
  },
  "iam-trust-service-principal": {
    pass: [role(lambdaTrust)],
    fail: [role({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })],
    message: /trusts AWS "\*"/,
  },
  "cognito-identity-pool-no-guests": {
    pass: [res("aws:cognito/identityPool:IdentityPool", "pool", { identityPoolName: "p", allowUnauthenticatedIdentities: false, allowClassicFlow: false })],
    fail: [res("aws:cognito/identityPool:IdentityPool", "pool", { identityPoolName: "p", allowUnauthenticatedIdentities: true })],
    message: /allowUnauthenticatedIdentities is true/,
  },
  "iam-pass-role-scoped": {
    pass: [role(lambdaTrust, { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::1:role/tms-prod-scheduler" })],
    fail: [role(lambdaTrust, { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::1:role/*" })],
    message: /inline policy inline, statement 1 allows iam:PassRole on arn:aws:iam::1:role\/\*/,
  },
  "kms-key-rotation": {
    pass: [res("aws:kms/key:Key", "key", { enableKeyRotation: true })],
    fail: [res("aws:kms/key:Key", "key", { description: "no rotation" })],
    message: /enableKeyRotation is not true/,
  },
  "secretsmanager-customer-key": {
    pass: [res("aws:secretsmanager/secret:Secret", "secret", { kmsKeyId: "arn:k" })],
    fail: [res("aws:secretsmanager/secret:Secret", "secret", {})],
    message: /kmsKeyId is not set/,
  },
  "secretsmanager-rotation": (() => {
    const secret = res("aws:secretsmanager/secret:Secret", "secret", { kmsKeyId: "arn:k" });
    return {
      pass: [
        secret,
        res(
          "aws:secretsmanager/secretRotation:SecretRotation",
          "rotation",
          { secretId: "[unknown]", rotationLambdaArn: "fn" },
          { props: { secretId: [secret] } },
        ),
      ],
      fail: [secret],
      message: /secret secret does not rotate automatically/,
    };
  })(),
  "cloudwatch-log-retention": {
    pass: [res("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 365 })],
    fail: [res("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 14 })],
    message: /retentionInDays is 14; at least 365 required/,
    config: { "cloudwatch-log-retention": { minimumDays: 365 } },
  },
  "sns-encrypted": {
    pass: [res("aws:sns/topic:Topic", "alarms", { kmsMasterKeyId: "arn:k" })],
    fail: [res("aws:sns/topic:Topic", "alarms", {})],
    message: /kmsMasterKeyId is not set/,
  },
  "sqs-encrypted": {
    pass: [res("aws:sqs/queue:Queue", "dlq", { sqsManagedSseEnabled: true })],
    fail: [res("aws:sqs/queue:Queue", "dlq", { sqsManagedSseEnabled: false })],
    message: /neither kmsMasterKeyId nor sqsManagedSseEnabled/,
  },
  "cognito-password-policy": {
    pass: [
      res("aws:cognito/userPool:UserPool", "users", {
        passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true },
      }),
    ],
    fail: [
      res("aws:cognito/userPool:UserPool", "users", {
        passwordPolicy: { minimumLength: 8, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: false },
      }),
    ],
    message: /minimumLength is 8; at least 12 required\n?|does not set requireSymbols/,
  },
  "cognito-mfa": {
    pass: [res("aws:cognito/userPool:UserPool", "users", { mfaConfiguration: "OPTIONAL" })],
    fail: [res("aws:cognito/userPool:UserPool", "users", { mfaConfiguration: "OFF" })],
    message: /mfaConfiguration is OFF/,
  },
};

const only = (report: Awaited<ReturnType<typeof evaluate>>, name: string) => report.violations.filter((v) => v.policy === name);

describe("policy pack: every policy passes and fails", () => {
  it("has a case for every policy in the pack", () => {
    assert.deepEqual(Object.keys(CASES).sort(), TMS_PACK.policies.map((p) => p.name).sort());
  });

  for (const policyDef of TMS_PACK.policies) {
    const name = policyDef.name;
    describe(name, () => {
      it("passes a compliant plan", async () => {
        const found = only(await evaluate(CASES[name].pass, CASES[name].config), name);
        assert.deepEqual(found, []);
      });
      it("fails a non-compliant plan, saying why", async () => {
        const found = only(await evaluate(CASES[name].fail, CASES[name].config), name);
        assert.ok(found.length > 0, `${name} did not fire`);
        assert.match(found[0].message, CASES[name].message);
        assert.ok(found[0].message.startsWith(policyDef.description), "the engine prefixes the description");
        const expectedLevel = resolvePackConfig(TMS_PACK, CASES[name].config ?? {}).get(name)!.enforcementLevel;
        assert.equal(found[0].level, expectedLevel);
      });
    });
  }
});

describe("policy pack: a role for a Cognito identity pool's users", () => {
  const cognitoTrust = (condition: Record<string, unknown>, action = "sts:AssumeRoleWithWebIdentity") => ({
    Effect: "Allow",
    Principal: { Federated: "cognito-identity.amazonaws.com" },
    Action: action,
    Condition: condition,
  });
  const aud = { StringEquals: { "cognito-identity.amazonaws.com:aud": "ap-south-1:1b2c3d4e-0000-4000-8000-000000000001" } };
  const amr = { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } };
  const trustFindings = async (trust: unknown) => only(await evaluate([role(trust)]), "iam-trust-service-principal").map((v) => v.message);

  it("is trusted when it names its pool (aud) and signed-in identities (amr)", async () => {
    assert.deepEqual(await trustFindings(cognitoTrust({ ...aud, ...amr })), []);
  });
  it("is refused without aud: any identity pool in any account could assume it", async () => {
    assert.match((await trustFindings(cognitoTrust(amr)))[0], /without StringEquals cognito-identity\.amazonaws\.com:aud/);
    const wildcard = { StringEquals: { "cognito-identity.amazonaws.com:aud": "ap-south-1:*" } };
    assert.match((await trustFindings(cognitoTrust({ ...wildcard, ...amr })))[0], /:aud naming its identity pool/);
  });
  it("is refused without amr = authenticated: guests could assume it", async () => {
    assert.match((await trustFindings(cognitoTrust(aud)))[0], /amr = "authenticated": guests could assume it/);
    const guests = { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "unauthenticated" } };
    assert.match((await trustFindings(cognitoTrust({ ...aud, ...guests })))[0], /guests could assume it/);
  });
  it("is refused for any action but sts:AssumeRoleWithWebIdentity", async () => {
    assert.match((await trustFindings(cognitoTrust({ ...aud, ...amr }, "sts:AssumeRole")))[0], /only sts:AssumeRoleWithWebIdentity/);
  });
  it("still refuses other Federated principals unless the pack's config allows them", async () => {
    const github = {
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com" },
      Action: "sts:AssumeRoleWithWebIdentity",
    };
    assert.match((await trustFindings(github))[0], /trusts a Federated principal; allowed: Service/);
  });
});

describe("policy pack: pack-wide rules", () => {
  it("names every policy uniquely in kebab-case with complete metadata", () => {
    const names = TMS_PACK.policies.map((p) => p.name);
    assert.equal(new Set(names).size, names.length, "duplicate policy names");
    for (const p of TMS_PACK.policies) {
      assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, p.name);
      assert.ok(p.description.length > 20, `${p.name}: description`);
      assert.ok(["low", "medium", "high", "critical"].includes(p.severity), `${p.name}: severity`);
      assert.ok(p.remediationSteps.length > 10, `${p.name}: remediation`);
      assert.ok(p.enforcementLevel === "mandatory" || p.enforcementLevel === "advisory", `${p.name}: level`);
      if (p.framework) assert.match(p.framework.reference, /^[A-Za-z][A-Za-z0-9]*\.\d+$/, `${p.name}: FSBP control id`);
    }
  });

  it("makes encryption, public exposure and IAM least privilege mandatory", () => {
    const mandatory = new Set(TMS_PACK.policies.filter((p) => p.enforcementLevel === "mandatory").map((p) => p.name));
    for (const name of [
      "s3-public-access-blocked",
      "s3-kms-encryption",
      "s3-tls-only",
      "rds-storage-encrypted",
      "rds-not-public",
      "elasticache-encryption-at-rest",
      "elasticache-encryption-in-transit",
      "lambda-permission-scoped",
      "apigw-route-authorization",
      "cloudfront-https-only",
      "cloudfront-s3-origin-access-control",
      "ec2-no-open-ingress",
      "iam-no-wildcard-actions",
      "iam-no-wildcard-resource-writes",
      "iam-trust-service-principal",
      "iam-pass-role-scoped",
      "kms-key-rotation",
      "secretsmanager-customer-key",
      "sns-encrypted",
      "sqs-encrypted",
    ]) {
      assert.ok(mandatory.has(name), `${name} is not mandatory`);
    }
  });

  it("refers only to resource types the AWS provider defines", async () => {
    const fs = await import("fs");
    const path = await import("path");
    const providerTypes = new Set<string>();
    const awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"));
    for (const dir of fs.readdirSync(awsDir)) {
      const full = path.join(awsDir, dir);
      if (!fs.statSync(full).isDirectory() || dir === "types" || dir === "node_modules") continue;
      for (const file of fs.readdirSync(full).filter((f) => f.endsWith(".js"))) {
        for (const m of fs.readFileSync(path.join(full, file), "utf8").matchAll(/__pulumiType = '(aws:[^']+)'/g)) providerTypes.add(m[1]);
      }
    }
    const policyDir = path.resolve(__dirname, "../policy/policies");
    const referenced = new Set<string>();
    for (const file of fs.readdirSync(policyDir)) {
      const text = fs.readFileSync(path.join(policyDir, file), "utf8");
      for (const m of text.matchAll(/"(aws:[a-z0-9]+\/[A-Za-z0-9]+:[A-Za-z0-9]+)"/g)) referenced.add(m[1]);
    }
    // The S3 module builds its V2 twins from one name.
    for (const name of ["bucketServerSideEncryptionConfiguration", "bucketVersioning", "bucketAcl"]) {
      const upper = name[0].toUpperCase() + name.slice(1);
      referenced.add(`aws:s3/${name}:${upper}`).add(`aws:s3/${name}V2:${upper}V2`);
    }
    assert.ok(referenced.size > 30);
    const unknown = [...referenced].filter((t) => !providerTypes.has(t));
    assert.deepEqual(unknown, [], "policies name types the provider does not have");
  });
});

describe("policy pack: object access audit at preview", () => {
  it("links a trail to the bucket by property dependency when the bucket's ARN is not known yet", async () => {
    const [bucket, ...companions] = bucketWith({ name: "tms-prod-documents-123456789012" });
    const trail = (startsWith: string) =>
      res(
        "aws:cloudtrail/trail:Trail",
        "documents-access",
        {
          advancedEventSelectors: [
            {
              fieldSelectors: [
                { field: "eventCategory", equals: ["Data"] },
                { field: "resources.type", equals: ["AWS::S3::Object"] },
                { field: "resources.ARN", startsWiths: [startsWith] },
              ],
            },
          ],
        },
        { props: { advancedEventSelectors: [bucket] } },
      );
    const config = { "s3-object-access-audited": "mandatory" };
    const linked = await evaluate([bucket, ...companions, trail("[unknown]")], config);
    assert.equal(linked.violations.filter((v) => v.policy === "s3-object-access-audited").length, 0);
    const other = await evaluate([bucket, ...companions, { ...trail("arn:aws:s3:::some-other-bucket/"), propertyDependencies: {} }], config);
    assert.equal(other.violations.filter((v) => v.policy === "s3-object-access-audited").length, 1, "a trail of another bucket does not count");
  });
});

describe("policy evaluation behaves like the engine", () => {
  it("turns a read of a value unknown at plan time into an advisory 'can't run during preview'", async () => {
    const report = await evaluate(compliantDb({ storageEncrypted: "[unknown]" }));
    const [finding] = only(report, "rds-storage-encrypted");
    assert.equal(finding.level, "advisory");
    assert.match(
      finding.message,
      /^can't run policy 'rds-storage-encrypted' from policy pack 'tms-guardrails@v0\.1\.0' during preview: string value at \.storageEncrypted can't be known during preview$/,
    );
  });

  it("links companions through property dependencies when the bucket id is unknown", async () => {
    const resources = bucketWith().map((r) => (r.type === "aws:s3/bucket:Bucket" ? r : { ...r, inputs: { ...r.inputs, bucket: "[unknown]" } }));
    const report = await evaluate(resources);
    assert.deepEqual(
      report.violations.filter((v) => v.policy.startsWith("s3-")),
      [],
    );
  });

  it("does not link a companion that depends on another bucket", async () => {
    const [, ...companionsOfA] = bucketWith({ name: "a" });
    const [bucketB] = bucketWith({ name: "b" });
    const report = await evaluate([bucketB, ...companionsOfA]);
    assert.ok(only(report, "s3-public-access-blocked").some((v) => v.message.includes("bucket b (b): has no public access block")));
  });

  it("sees awsx's VPC both as the offline component and as the engine's child VPC", async () => {
    for (const engineShape of [false, true]) {
      const report = await evaluate(vpcWith({ engineShape }));
      assert.deepEqual(
        report.violations.filter((v) => ["vpc-flow-logs", "ec2-default-security-group-closed"].includes(v.policy)),
        [],
        `engineShape=${engineShape}`,
      );
    }
    const withRules = await evaluate(vpcWith({ defaultSgInputs: { egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] } }));
    assert.match(only(withRules, "ec2-default-security-group-closed")[0].message, /default security group default-sg has rules/);
  });

  it("skips policies the stack does not demand (notApplicable) and applies per-stack config", async () => {
    const singleAz = compliantDb({ multiAz: false });
    assert.deepEqual(only(await evaluate(singleAz), "rds-multi-az"), []);
    const demanded = only(await evaluate(singleAz, { "rds-multi-az": { enforcementLevel: "mandatory", required: true } }), "rds-multi-az");
    assert.equal(demanded[0].level, "mandatory");
  });

  it("resolves enforcement levels: per-policy over 'all' over the policy's own; disabled skips; remediate reports as mandatory", async () => {
    const bad = compliantDb({ iamDatabaseAuthenticationEnabled: false });
    assert.equal(only(await evaluate(bad), "rds-iam-authentication")[0].level, "advisory");
    assert.equal(only(await evaluate(bad, { all: "mandatory" }), "rds-iam-authentication")[0].level, "mandatory");
    assert.equal(only(await evaluate(bad, { all: "mandatory", "rds-iam-authentication": "advisory" }), "rds-iam-authentication")[0].level, "advisory");
    assert.deepEqual(only(await evaluate(bad, { "rds-iam-authentication": "disabled" }), "rds-iam-authentication"), []);
    assert.equal(only(await evaluate(bad, { "rds-iam-authentication": "remediate" }), "rds-iam-authentication")[0].level, "mandatory");
  });

  it("fills config defaults from each policy's schema and rejects config that does not fit", () => {
    const resolved = resolvePackConfig(TMS_PACK, { "rds-backup-retention": { minimumDays: 30 } });
    assert.deepEqual(resolved.get("rds-backup-retention")!.properties, { minimumDays: 30 });
    assert.deepEqual(resolved.get("apigw-route-authorization")!.properties, { publicRoutes: ["GET /api/health", "GET /api/openapi.json"] });
    assert.throws(
      () => resolvePackConfig(TMS_PACK, { "rds-backup-retention": { minimumDays: "thirty" } }),
      /rds-backup-retention\.minimumDays: expected integer, got "thirty"/,
    );
    assert.throws(() => resolvePackConfig(TMS_PACK, { "no-such-policy": "mandatory" }), /no-such-policy: no such policy in pack tms-guardrails/);
    assert.throws(
      () => resolvePackConfig(TMS_PACK, { "rds-multi-az": { requried: true } }),
      (err: Error) => err instanceof PolicyConfigError && /rds-multi-az\.requried: the policy has no such config property/.test(err.message),
    );
    assert.throws(() => resolvePackConfig(TMS_PACK, { all: "strict" }), /all: enforcementLevel "strict" is not one of/);
  });

  it("reports stack-policy findings on the resource they are about", async () => {
    const [finding] = only(await evaluate(bucketWith({ omit: ["policy"] })), "s3-tls-only");
    assert.equal(finding.urn, "urn:pulumi:test::tms::aws:s3/bucket:Bucket::tms-prod-documents-abc");
  });
});

describe("policy pack on the stacks", () => {
  for (const stack of ["dev", "prod"]) {
    it(`${stack}: no mandatory violation with ${stack}'s policy config`, async () => {
      const run = await runStack(stack);
      const report = await checkStack(run.resources, stack);
      assert.equal(report.pack, "tms-guardrails");
      assert.deepEqual(
        report.violations.filter((v) => v.level === "mandatory"),
        [],
      );
    });
  }

  it("prod's config demands what dev's does not", () => {
    const prod = resolvePackConfig(TMS_PACK, require("../policy/config.prod.json"));
    const dev = resolvePackConfig(TMS_PACK, require("../policy/config.dev.json"));
    assert.deepEqual(prod.get("rds-multi-az"), { enforcementLevel: "mandatory", properties: { required: true } });
    assert.deepEqual(dev.get("rds-multi-az"), { enforcementLevel: "advisory", properties: { required: false } });
    assert.equal(prod.get("rds-backup-retention")!.properties.minimumDays, 30);
  });
});
