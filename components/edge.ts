import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement, awsContext, createKey, keyPolicy } from "./common";
import { contentSecurityPolicy, contentTypeOf } from "../rules/site";
import { createSecureBucket } from "./secure-bucket";

/** AWS-managed CloudFront policies (stable ids, the same in every account). */
export const MANAGED = {
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
};

/**
 * SPA routing: a path without a file extension is a client-side route, so it
 * gets index.html. Attached to the S3 behavior only, so API responses are never
 * rewritten (and no distribution-wide error page turns an API error into HTML).
 */
export const SPA_ROUTER = `function handler(event) {
  var request = event.request;
  var last = request.uri.split("/").pop();
  if (last.indexOf(".") === -1) request.uri = "/index.html";
  return request;
}`;

/** index.html must always be revalidated; fingerprinted assets never change; the rest briefly. */
export function cacheControlFor(file: string): string {
  if (path.basename(file) === "index.html") return "no-cache";
  if (/[.-][0-9A-Za-z_-]{8,}\.(js|mjs|css|woff2|png|jpg|jpeg|svg|webp)$/.test(path.basename(file))) return "public, max-age=31536000, immutable";
  return "public, max-age=300";
}

/**
 * What CloudWatch Logs' delivery needs in the log bucket's policy, exactly as
 * it writes it itself ("Logs sent to Amazon S3" in the CloudWatch Logs guide).
 * When the policy lacks these statements, the service appends them on the
 * first delivery: `pulumi refresh` then shows drift and the next `up` strips
 * them again. Declared verbatim, there is nothing to append.
 */
export function logDeliveryStatements(bucketArn: string, account: string, sourceRegion: string): PolicyStatement[] {
  const from = { StringEquals: { "aws:SourceAccount": [account] }, ArnLike: { "aws:SourceArn": [`arn:aws:logs:${sourceRegion}:${account}:*`] } };
  return [
    {
      Sid: "AWSLogDeliveryWrite",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${bucketArn}/AWSLogs/${account}/*`,
      Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": [account] }, ArnLike: from.ArnLike },
    },
    {
      Sid: "AWSLogDeliveryAclCheck",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: bucketArn,
      Condition: from,
    },
  ];
}

export interface WafArgs {
  /** The API stage's steady throttling rate, in requests per second; the rate rules are shares of it. */
  apiRateLimit: number;
  /**
   * Regular expressions of the URI paths whose documented bodies exceed 8 KB
   * (the API enforces its own limit there); every other path keeps the core
   * rule set's 8 KB body limit.
   * @example ["^/api/positions$"]
   */
  largeBodyPaths: string[];
}

/** WAF counts requests over this window (seconds) for the rate rules. */
export const WAF_RATE_WINDOW_SECONDS = 300;
/**
 * API Gateway throttles the stage as a whole, so one runaway client could
 * exhaust everyone's budget: no signed-in client (one token) may use more than
 * 5% of it, and no anonymous address more than 1%. Every address together is
 * capped at a quarter, a backstop against tokens forged to dodge the per-client
 * count, yet far above what drivers sharing a carrier-grade NAT address send.
 */
export const WAF_RATE_SHARES = { perClient: 0.05, anonymousPerIp: 0.01, perIp: 0.25 };

/** Requests per WAF window for each rate rule, from the API's rate (requests per second). */
export function wafRateLimits(apiRateLimit: number) {
  const perWindow = (share: number) => Math.max(10, Math.floor(apiRateLimit * WAF_RATE_WINDOW_SECONDS * share));
  return {
    perClient: perWindow(WAF_RATE_SHARES.perClient),
    anonymousPerIp: perWindow(WAF_RATE_SHARES.anonymousPerIp),
    perIp: perWindow(WAF_RATE_SHARES.perIp),
  };
}

/** The core rule set's label for a body over 8 KB (its SizeRestrictions_BODY rule). */
export const CRS_BODY_SIZE_LABEL = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body";

type WebAclRule = aws.types.input.wafv2.WebAclRule;
type RuleActionOverride = aws.types.input.wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverride;
type RateBased = Omit<aws.types.input.wafv2.WebAclRuleStatementRateBasedStatement, "limit" | "evaluationWindowSec">;

/** The web ACL's rules (WAFv2, as the provider takes them). */
export function webAclRules(waf: WafArgs, metricPrefix: string): WebAclRule[] {
  const visibility = (metric: string) => ({ cloudwatchMetricsEnabled: true, metricName: `${metricPrefix}-${metric}`, sampledRequestsEnabled: true });
  const limits = wafRateLimits(waf.apiRateLimit);
  const hasAuthorization = {
    sizeConstraintStatement: {
      fieldToMatch: { singleHeader: { name: "authorization" } },
      comparisonOperator: "GT",
      size: 0,
      textTransformations: [{ priority: 0, type: "NONE" }],
    },
  };
  const managed = (name: string, priority: number, ruleActionOverrides?: RuleActionOverride[]): WebAclRule => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { name, vendorName: "AWS", ruleActionOverrides } },
    visibilityConfig: visibility(name),
  });
  const rate = (name: string, priority: number, limit: number, statement: RateBased): WebAclRule => ({
    name,
    priority,
    action: { block: {} },
    statement: { rateBasedStatement: { limit, evaluationWindowSec: WAF_RATE_WINDOW_SECONDS, ...statement } },
    visibilityConfig: visibility(name),
  });
  const scoped = waf.largeBodyPaths.length > 0;
  return [
    // The core rule set blocks bodies over 8 KB; a batch of 500 positions is 60-80 KB. Count (label) there, and block below.
    managed("AWSManagedRulesCommonRuleSet", 1, scoped ? [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }] : undefined),
    managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
    managed("AWSManagedRulesAmazonIpReputationList", 3),
    ...(scoped ? [bodySizeOutside(waf.largeBodyPaths, visibility)] : []),
    // Counted per signed-in client (its token), so drivers behind one carrier-grade NAT address do not share a limit.
    rate("rate-limit-per-client", 5, limits.perClient, {
      aggregateKeyType: "CUSTOM_KEYS",
      customKeys: [{ header: { name: "authorization", textTransformations: [{ priority: 0, type: "NONE" }] } }],
    }),
    // Requests without a token are not counted above (WAF skips requests missing a key): count them per address.
    rate("rate-limit-anonymous-per-ip", 6, limits.anonymousPerIp, {
      aggregateKeyType: "IP",
      scopeDownStatement: { notStatement: { statement: hasAuthorization } },
    }),
    rate("rate-limit-per-ip", 7, limits.perIp, { aggregateKeyType: "IP" }),
  ];
}

/** Blocks what the core rule set labelled as over 8 KB, except on the routes whose bodies may be larger. */
function bodySizeOutside(paths: string[], visibility: (metric: string) => WebAclRule["visibilityConfig"]): WebAclRule {
  return {
    name: "body-over-8kb-outside-batch-routes",
    priority: 4,
    action: { block: {} },
    statement: {
      andStatement: {
        statements: [
          { labelMatchStatement: { scope: "LABEL", key: CRS_BODY_SIZE_LABEL } },
          // One alternation, not an orStatement: the provider nests and/or/not three levels deep at most.
          { notStatement: { statement: uriMatches(paths.map((p) => `(?:${p})`).join("|")) } },
        ],
      },
    },
    visibilityConfig: visibility("body-over-8kb-outside-batch-routes"),
  };
}

const uriMatches = (pattern: string) => ({
  regexMatchStatement: { regexString: pattern, fieldToMatch: { uriPath: {} }, textTransformations: [{ priority: 0, type: "NONE" }] },
});

export interface EdgeArgs {
  /** Prefix of every physical name. @example "tms-prod" */
  namePrefix: string;
  /** The HTTP API's endpoint, served under /api/*. @example "https://abc123.execute-api.ap-south-1.amazonaws.com" */
  apiEndpoint: pulumi.Input<string>;
  /** An aws provider for us-east-1: CloudFront's certificates, WAF and log delivery live there. */
  usEast1: aws.Provider;
  /** A header CloudFront adds to every request it forwards to the API (the API's proof of origin); its value stays secret. */
  apiOriginHeader?: { name: string; value: pulumi.Input<string> };
  /** A custom domain in a Route 53 zone; omit to use the CloudFront domain. */
  domain?: { name: string; hostedZoneId: string };
  /**
   * Protect the site with a WAF web ACL of AWS managed rules, rate limits
   * derived from the API's own throttling, and body-size rules scoped to what
   * the API accepts. Omit for no WAF.
   * @example { apiRateLimit: 1000, largeBodyPaths: ["^/api/positions$"] }
   */
  waf?: WafArgs;
  /** A built SPA (e.g. `web/dist`) to upload; omit when the SPA's own pipeline deploys it. */
  spaDirectory?: string;
  /**
   * The app's runtime settings, served as `/config.json` next to it (never
   * cached), so one build serves every stack. Omit for none.
   * @example { apiBase: "", region: "ap-south-1", cognito: { authority, clientId, domain } }
   */
  siteConfig?: pulumi.Input<Record<string, unknown>>;
  /** Origins the SPA may call besides its own (Cognito, the documents bucket), for its CSP. */
  connectOrigins?: pulumi.Input<string>[];
  /** Days the access logs are kept. @default 90 */
  logRetentionDays?: number;
  /** @default "PriceClass_200" (includes India) */
  priceClass?: "PriceClass_200" | "PriceClass_All";
}

/**
 * The front door: the React SPA in a private S3 bucket behind CloudFront
 * (origin access control), `/api/*` to the HTTP API uncached, security
 * headers, SPA routing by a CloudFront Function, access logs, optional WAF and
 * custom domain (ACM certificate in us-east-1, Route 53 aliases).
 */
export class Edge extends pulumi.ComponentResource {
  public readonly siteUrl: pulumi.Output<string>;
  public readonly distributionId: pulumi.Output<string>;
  public readonly distributionDomain: pulumi.Output<string>;
  public readonly spaBucketName: pulumi.Output<string>;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tms:edge:Edge", name, {}, opts);
    const inUsEast1 = { parent: this, provider: args.usEast1 };
    const { accountId } = awsContext(this);
    // The bucket and key policies must name the distribution, which needs the bucket first.
    const [distributionArn, resolveDistributionArn] = pulumi.deferredOutput<string>();
    // Only this distribution, through origin access control, may read.
    const cloudFrontReads = (actions: string[], resource: string, arn: string): PolicyStatement => ({
      Sid: "CloudFrontReadsThroughOac",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: actions,
      Resource: resource,
      Condition: { StringEquals: { "AWS:SourceArn": arn } },
    });

    const spaKey = createKey(
      `${name}-spa-key`,
      {
        description: `${args.namePrefix} SPA bucket`,
        alias: `${args.namePrefix}-spa`,
        policy: keyPolicy(this, () => distributionArn.apply((arn) => [cloudFrontReads(["kms:Decrypt"], "*", arn)])),
      },
      { parent: this },
    );
    const spa = createSecureBucket(
      `${name}-spa`,
      {
        bucket: pulumi.interpolate`${args.namePrefix}-spa-${accountId}`,
        kmsKeyArn: spaKey.arn,
        extraPolicyStatements: (bucketArn) => distributionArn.apply((arn) => [cloudFrontReads(["s3:GetObject"], `${bucketArn}/*`, arn)]),
      },
      { parent: this },
    );

    const logs = this.createLogBucket(name, args, accountId);
    const certificate = args.domain && this.createCertificate(name, args.domain, inUsEast1);
    const webAcl = args.waf ? this.createWebAcl(name, args, args.waf, inUsEast1) : undefined;

    const oac = new aws.cloudfront.OriginAccessControl(
      `${name}-spa`,
      { name: `${args.namePrefix}-spa`, originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" },
      { parent: this },
    );
    const router = new aws.cloudfront.Function(
      `${name}-spa-router`,
      { name: `${args.namePrefix}-spa-router`, runtime: "cloudfront-js-2.0", code: SPA_ROUTER, publish: true },
      { parent: this },
    );
    const headers = this.createSecurityHeaders(name, args);
    const apiHost = pulumi.output(args.apiEndpoint).apply((url) => new URL(url).host);

    const distribution = new aws.cloudfront.Distribution(
      `${name}-cdn`,
      {
        comment: `${args.namePrefix}: SPA and /api/*`,
        enabled: true,
        isIpv6Enabled: true,
        httpVersion: "http2and3",
        priceClass: args.priceClass ?? "PriceClass_200",
        defaultRootObject: "index.html",
        aliases: args.domain ? [args.domain.name] : undefined,
        origins: [
          { originId: "spa", domainName: spa.bucket.bucketRegionalDomainName, originAccessControlId: oac.id },
          {
            originId: "api",
            domainName: apiHost,
            customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
            customHeaders: args.apiOriginHeader && [args.apiOriginHeader],
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: "spa",
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: ["GET", "HEAD", "OPTIONS"],
          cachedMethods: ["GET", "HEAD"],
          cachePolicyId: MANAGED.cachingOptimized,
          responseHeadersPolicyId: headers.id,
          compress: true,
          functionAssociations: [{ eventType: "viewer-request", functionArn: router.arn }],
        },
        orderedCacheBehaviors: [
          {
            pathPattern: "/api/*",
            targetOriginId: "api",
            viewerProtocolPolicy: "https-only",
            allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            cachedMethods: ["GET", "HEAD"],
            cachePolicyId: MANAGED.cachingDisabled,
            // Every viewer header (Authorization, If-Match, ...) except Host, which must be the API's own.
            originRequestPolicyId: MANAGED.allViewerExceptHostHeader,
            responseHeadersPolicyId: headers.id,
            compress: true,
          },
        ],
        viewerCertificate: certificate
          ? { acmCertificateArn: certificate.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
          : { cloudfrontDefaultCertificate: true },
        restrictions: { geoRestriction: { restrictionType: "none" } },
        webAclId: webAcl?.arn,
      },
      { parent: this },
    );
    resolveDistributionArn(distribution.arn);
    this.createAccessLogDelivery(name, args, distribution, logs, inUsEast1);

    if (args.domain) {
      for (const type of ["A", "AAAA"]) {
        new aws.route53.Record(
          `${name}-${type.toLowerCase()}`,
          {
            zoneId: args.domain.hostedZoneId,
            name: args.domain.name,
            type,
            aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }],
          },
          { parent: this },
        );
      }
    }
    if (args.spaDirectory) this.uploadSpa(name, args.spaDirectory, spa.bucket);
    if (args.siteConfig) {
      new aws.s3.BucketObjectv2(
        `${name}-spa-config`,
        {
          bucket: spa.bucket.id,
          key: "config.json",
          content: pulumi.output(args.siteConfig).apply((settings) => `${JSON.stringify(settings, null, 2)}\n`),
          contentType: "application/json",
          cacheControl: "no-cache",
        },
        { parent: this },
      );
    }

    this.siteUrl = args.domain ? pulumi.output(`https://${args.domain.name}`) : pulumi.interpolate`https://${distribution.domainName}`;
    this.distributionId = distribution.id;
    this.distributionDomain = distribution.domainName;
    this.spaBucketName = spa.bucket.bucket;
    this.registerOutputs({
      siteUrl: this.siteUrl,
      distributionId: this.distributionId,
      distributionDomain: this.distributionDomain,
      spaBucketName: this.spaBucketName,
    });
  }

  private createSecurityHeaders(name: string, args: EdgeArgs) {
    const csp = pulumi.all(args.connectOrigins ?? []).apply(contentSecurityPolicy);
    return new aws.cloudfront.ResponseHeadersPolicy(
      `${name}-security-headers`,
      {
        name: `${args.namePrefix}-security-headers`,
        securityHeadersConfig: {
          strictTransportSecurity: { accessControlMaxAgeSec: 63_072_000, includeSubdomains: true, preload: true, override: true },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: "DENY", override: true },
          referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
          contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        },
      },
      { parent: this },
    );
  }

  private createLogBucket(name: string, args: EdgeArgs, accountId: pulumi.Output<string>) {
    // CloudFront's log delivery writes as delivery.logs.amazonaws.com, so it must be able to use the key.
    const key = createKey(
      `${name}-logs-key`,
      {
        description: `${args.namePrefix} CloudFront access logs`,
        alias: `${args.namePrefix}-cdn-logs`,
        policy: keyPolicy(this, (account) => [
          {
            Sid: "LogDeliveryWrites",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ]),
      },
      { parent: this },
    );
    const logs = createSecureBucket(
      `${name}-logs`,
      {
        bucket: pulumi.interpolate`${args.namePrefix}-cdn-logs-${accountId}`,
        kmsKeyArn: key.arn,
        extraPolicyStatements: (bucketArn) => accountId.apply((account) => logDeliveryStatements(bucketArn, account, "us-east-1")),
      },
      { parent: this },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-logs`,
      {
        bucket: logs.bucket.id,
        rules: [
          {
            id: "expire-logs",
            status: "Enabled",
            filter: {},
            expiration: { days: args.logRetentionDays ?? 90 },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
          },
        ],
      },
      { parent: this, dependsOn: logs.versioning ? [logs.versioning] : [] },
    );
    return logs.bucket;
  }

  /** Standard access logs (v2): CloudFront's delivery source lives in us-east-1 and writes to the log bucket. */
  private createAccessLogDelivery(
    name: string,
    args: EdgeArgs,
    distribution: aws.cloudfront.Distribution,
    bucket: aws.s3.Bucket,
    inUsEast1: pulumi.CustomResourceOptions,
  ) {
    const source = new aws.cloudwatch.LogDeliverySource(
      `${name}-access-logs`,
      { name: `${args.namePrefix}-cdn`, logType: "ACCESS_LOGS", resourceArn: distribution.arn },
      inUsEast1,
    );
    const destination = new aws.cloudwatch.LogDeliveryDestination(
      `${name}-access-logs`,
      { name: `${args.namePrefix}-cdn-logs`, outputFormat: "json", deliveryDestinationConfiguration: { destinationResourceArn: bucket.arn } },
      inUsEast1,
    );
    new aws.cloudwatch.LogDelivery(`${name}-access-logs`, { deliverySourceName: source.name, deliveryDestinationArn: destination.arn }, inUsEast1);
  }

  private createCertificate(name: string, domain: NonNullable<EdgeArgs["domain"]>, inUsEast1: pulumi.CustomResourceOptions) {
    const certificate = new aws.acm.Certificate(`${name}-certificate`, { domainName: domain.name, validationMethod: "DNS" }, inUsEast1);
    const option = certificate.domainValidationOptions[0];
    const record = new aws.route53.Record(
      `${name}-certificate-validation`,
      {
        zoneId: domain.hostedZoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 300,
        allowOverwrite: true,
      },
      { parent: this },
    );
    return new aws.acm.CertificateValidation(`${name}-certificate`, { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] }, inUsEast1);
  }

  private createWebAcl(name: string, args: EdgeArgs, waf: WafArgs, inUsEast1: pulumi.CustomResourceOptions) {
    return new aws.wafv2.WebAcl(
      `${name}-waf`,
      {
        name: `${args.namePrefix}-cdn`,
        scope: "CLOUDFRONT",
        defaultAction: { allow: {} },
        visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: `${args.namePrefix}-cdn`, sampledRequestsEnabled: true },
        rules: webAclRules(waf, args.namePrefix),
      },
      inUsEast1,
    );
  }

  private uploadSpa(name: string, directory: string, bucket: aws.s3.Bucket) {
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    for (const file of walk(directory).sort()) {
      const key = path.relative(directory, file).split(path.sep).join("/");
      new aws.s3.BucketObjectv2(
        `${name}-spa-${key}`,
        {
          bucket: bucket.id,
          key,
          source: new pulumi.asset.FileAsset(file),
          // The bucket is KMS-encrypted, so S3's ETag is no digest of the file: this is what shows a change (and the plan shows it).
          sourceHash: createHash("sha256").update(fs.readFileSync(file)).digest("hex"),
          contentType: contentTypeOf(file),
          cacheControl: cacheControlFor(file),
        },
        { parent: this },
      );
    }
  }
}
