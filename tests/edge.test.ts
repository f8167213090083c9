import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MANAGED, SPA_ROUTER, cacheControlFor } from "../components/edge";
import { T, StackRun, policyJson, runStack } from "./harness";

const DOMAIN = { name: "tms.example.in", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
const route = (uri: string) => new Function(`${SPA_ROUTER}; return handler;`)()({ request: { uri } }).uri;

describe("Edge: SPA routing function", () => {
  it("sends client-side routes to index.html and leaves files alone", () => {
    assert.equal(route("/trips/42"), "/index.html");
    assert.equal(route("/"), "/index.html");
    assert.equal(route("/assets/app.1a2b3c4d.js"), "/assets/app.1a2b3c4d.js");
    assert.equal(route("/favicon.ico"), "/favicon.ico");
  });

  it("caches fingerprinted assets for a year, index.html never, the rest briefly", () => {
    assert.equal(cacheControlFor("dist/index.html"), "no-cache");
    assert.equal(cacheControlFor("dist/assets/index-BT3kx9aQ.js"), "public, max-age=31536000, immutable");
    assert.equal(cacheControlFor("dist/assets/app.1a2b3c4d.css"), "public, max-age=31536000, immutable");
    assert.equal(cacheControlFor("dist/robots.txt"), "public, max-age=300");
  });
});

for (const [label, stack, config] of [
  ["prod", "prod", undefined],
  ["dev", "dev", undefined],
  ["prod with a custom domain", "prod", { "tms:edge": { domain: DOMAIN } }],
] as const) {
  describe(`Edge (${label})`, () => {
    let run: StackRun;
    const withDomain = config !== undefined;
    before(async () => (run = await runStack(stack, config)));
    const distribution = () => run.find(T.distribution);

    it("serves the SPA from S3 (cached) and /api/* from the HTTP API (uncached, every header but Host)", () => {
      const d = distribution().inputs as any;
      assert.equal(d.defaultCacheBehavior.targetOriginId, "spa");
      assert.equal(d.defaultCacheBehavior.cachePolicyId, MANAGED.cachingOptimized);
      const [api] = d.orderedCacheBehaviors;
      assert.deepEqual(
        [api.pathPattern, api.targetOriginId, api.cachePolicyId, api.originRequestPolicyId],
        ["/api/*", "api", MANAGED.cachingDisabled, MANAGED.allViewerExceptHostHeader],
      );
      assert.deepEqual(api.allowedMethods.sort(), ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]);
      const origins = Object.fromEntries(d.origins.map((o: any) => [o.originId, o]));
      assert.equal(origins.api.domainName, `tms-${stack}-api.execute-api.ap-south-1.amazonaws.com`);
      assert.deepEqual(origins.api.customOriginConfig, { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] });
      assert.equal(origins.spa.domainName, `tms-${stack}-spa-123456789012.s3.ap-south-1.amazonaws.com`);
    });

    it("attaches the SPA router to the default behavior only, and has no distribution-wide error pages", () => {
      const d = distribution().inputs as any;
      const router = run.find(T.cloudfrontFunction);
      assert.equal(router.inputs.runtime, "cloudfront-js-2.0");
      assert.deepEqual(d.defaultCacheBehavior.functionAssociations, [
        { eventType: "viewer-request", functionArn: `arn:aws:cloudfront::123456789012:function/tms-${stack}-spa-router` },
      ]);
      assert.equal(d.orderedCacheBehaviors[0].functionAssociations, undefined, "API responses are never rewritten");
      assert.equal(d.customErrorResponses, undefined, "a distribution-wide error page would turn API errors into HTML");
    });

    it("reaches the private SPA bucket only through origin access control, and its policies name this distribution", () => {
      const d = distribution();
      const spa = (d.inputs.origins as any[]).find((o) => o.originId === "spa");
      assert.equal(spa.s3OriginConfig, undefined, "no legacy origin access identity");
      assert.deepEqual(d.propertyDependencies.origins.includes(run.find(T.oac).urn), true);
      assert.equal(run.find(T.oac).inputs.signingBehavior, "always");
      const arn = `arn:aws:cloudfront::123456789012:distribution/${d.id}`;
      const bucket = run.find(T.bucket, "edge-spa");
      const policy = run.byType(T.bucketPolicy).find((p) => p.propertyDependencies.bucket.includes(bucket.urn))!;
      const read = policyJson(policy.inputs.policy).Statement.find((s) => s.Sid === "CloudFrontReadsThroughOac")!;
      assert.deepEqual(
        [read.Principal, read.Action, read.Condition],
        [{ Service: "cloudfront.amazonaws.com" }, ["s3:GetObject"], { StringEquals: { "AWS:SourceArn": arn } }],
      );
      const keyPolicy = policyJson(run.find("aws:kms/key:Key", "edge-spa-key").inputs.policy).Statement.find((s) => s.Sid === "CloudFrontReadsThroughOac")!;
      assert.deepEqual(keyPolicy.Condition, { StringEquals: { "AWS:SourceArn": arn } });
    });

    it("sends security headers: HSTS, nosniff, frame options, referrer policy and a CSP for the SPA", () => {
      const config = run.find(T.headers).inputs.securityHeadersConfig as any;
      assert.equal(config.strictTransportSecurity.accessControlMaxAgeSec, 63_072_000);
      assert.equal(config.frameOptions.frameOption, "DENY");
      assert.equal(config.referrerPolicy.referrerPolicy, "strict-origin-when-cross-origin");
      assert.ok(config.contentTypeOptions.override);
      const csp: string = config.contentSecurityPolicy.contentSecurityPolicy;
      assert.match(csp, /default-src 'self'/);
      assert.match(
        csp,
        /connect-src 'self' https:\/\/cognito-idp\.ap-south-1\.amazonaws\.com https:\/\/tms-\w+-123456789012\.auth\.ap-south-1\.amazoncognito\.com https:\/\/tms-\w+-documents-123456789012\.s3\.ap-south-1\.amazonaws\.com/,
      );
      assert.match(csp, /frame-ancestors 'none'/);
    });

    it("is HTTPS-only for viewers, on HTTP/2 and HTTP/3, IPv6, with a price class that covers India", () => {
      const d = distribution().inputs as any;
      assert.equal(d.defaultCacheBehavior.viewerProtocolPolicy, "redirect-to-https");
      assert.equal(d.orderedCacheBehaviors[0].viewerProtocolPolicy, "https-only");
      assert.equal(d.httpVersion, "http2and3");
      assert.equal(d.isIpv6Enabled, true);
      assert.equal(d.priceClass, "PriceClass_200");
      assert.equal(d.defaultRootObject, "index.html");
    });

    if (withDomain) {
      it("uses an ACM certificate from us-east-1, validated in the zone, with TLS 1.2 (2021) minimum, and A/AAAA aliases", () => {
        const cert = run.find(T.cert);
        assert.equal(cert.inputs.domainName, DOMAIN.name);
        assert.equal(run.providerOf(cert)?.inputs.region, "us-east-1");
        assert.equal(run.providerOf(run.find(T.validation))?.inputs.region, "us-east-1");
        const records = run.byType(T.record);
        const validation = records.find((r) => r.name === "edge-certificate-validation")!;
        assert.deepEqual([validation.inputs.zoneId, validation.inputs.type], [DOMAIN.hostedZoneId, "CNAME"]);
        const d = distribution();
        assert.deepEqual(d.inputs.aliases, [DOMAIN.name]);
        assert.deepEqual(d.inputs.viewerCertificate, {
          acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/edge-certificate",
          sslSupportMethod: "sni-only",
          minimumProtocolVersion: "TLSv1.2_2021",
        });
        for (const type of ["A", "AAAA"]) {
          const alias = records.find((r) => r.inputs.type === type)!;
          assert.deepEqual(alias.inputs.aliases, [
            { name: d.inputs.domainName ?? `d${d.id.toLowerCase()}.cloudfront.net`, zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false },
          ]);
          assert.equal(alias.inputs.name, DOMAIN.name);
        }
        assert.equal(run.outputs.siteUrl, `https://${DOMAIN.name}`);
        assert.ok(
          (run.find("aws:cognito/userPoolClient:UserPoolClient").inputs.callbackUrls as string[]).includes(`https://${DOMAIN.name}/`),
          "the hosted sign-in returns to the site",
        );
      });
    } else {
      it("serves on the CloudFront domain and creates no certificate or DNS records", () => {
        assert.deepEqual(distribution().inputs.viewerCertificate, { cloudfrontDefaultCertificate: true });
        assert.equal(distribution().inputs.aliases, undefined);
        assert.deepEqual([run.byType(T.cert).length, run.byType(T.validation).length, run.byType(T.record).length], [0, 0, 0]);
        assert.match(String(run.outputs.siteUrl), /^https:\/\/d\w+\.cloudfront\.net$/);
      });
    }

    it("declares the log bucket statements CloudWatch Logs' delivery would otherwise append (so a refresh finds no drift)", () => {
      const logsBucket = run.find(T.bucket, "edge-logs");
      const name = String(logsBucket.inputs.bucket);
      const statements = policyJson(
        run.byType("aws:s3/bucketPolicy:BucketPolicy").find((p) => p.propertyDependencies.bucket?.includes(logsBucket.urn))!.inputs.policy,
      ).Statement;
      // What the service writes into the bucket policy, from "Logs sent to Amazon S3" (CloudWatch Logs user guide).
      const account = "123456789012";
      const from = { StringEquals: { "aws:SourceAccount": [account] }, ArnLike: { "aws:SourceArn": [`arn:aws:logs:us-east-1:${account}:*`] } };
      const wouldAppend = [
        {
          Sid: "AWSLogDeliveryWrite",
          Effect: "Allow",
          Principal: { Service: "delivery.logs.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `arn:aws:s3:::${name}/AWSLogs/${account}/*`,
          Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": [account] }, ArnLike: from.ArnLike },
        },
        {
          Sid: "AWSLogDeliveryAclCheck",
          Effect: "Allow",
          Principal: { Service: "delivery.logs.amazonaws.com" },
          Action: "s3:GetBucketAcl",
          Resource: `arn:aws:s3:::${name}`,
          Condition: from,
        },
      ];
      for (const statement of wouldAppend)
        assert.ok(
          statements.some((s) => JSON.stringify(s) === JSON.stringify(statement)),
          `missing ${statement.Sid}`,
        );
    });

    it("writes standard access logs to a log bucket with a lifecycle, through a us-east-1 delivery", () => {
      const source = run.find(T.logSource);
      assert.equal(run.providerOf(source)?.inputs.region, "us-east-1");
      assert.deepEqual(source.propertyDependencies.resourceArn, [distribution().urn]);
      const logsBucket = run.find(T.bucket, "edge-logs");
      assert.deepEqual(run.find(T.logDestination).propertyDependencies.deliveryDestinationConfiguration, [logsBucket.urn]);
      const lifecycle = run.byType(T.lifecycle).find((l) => l.propertyDependencies.bucket.includes(logsBucket.urn))!;
      assert.equal((lifecycle.inputs.rules as any[])[0].expiration.days, stack === "prod" ? 365 : 14);
    });

    it(`${stack === "prod" ? "protects the site with" : "has no"} a WAF web ACL`, () => {
      if (stack === "dev") {
        assert.equal(run.byType(T.waf).length, 0);
        return;
      }
      const acl = run.find(T.waf);
      assert.equal(acl.inputs.scope, "CLOUDFRONT");
      assert.equal(run.providerOf(acl)?.inputs.region, "us-east-1");
      assert.deepEqual(
        (acl.inputs.rules as any[]).map((r) => r.name),
        [
          "AWSManagedRulesCommonRuleSet",
          "AWSManagedRulesKnownBadInputsRuleSet",
          "AWSManagedRulesAmazonIpReputationList",
          "body-over-8kb-outside-batch-routes",
          "rate-limit-per-client",
          "rate-limit-anonymous-per-ip",
          "rate-limit-per-ip",
        ],
      );
      assert.deepEqual(distribution().propertyDependencies.webAclId, [acl.urn]);
    });

    it("exports the site URL, distribution id and domain, and SPA bucket; documents accept uploads from the site", () => {
      const cdn = run.outputs.cdn as Record<string, string>;
      assert.equal(cdn.distributionId, distribution().id);
      assert.equal(cdn.spaBucket, `tms-${stack}-spa-123456789012`);
      const cors = run.find("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration");
      assert.ok(((cors.inputs.corsRules as any[])[0].allowedOrigins as string[]).includes(String(run.outputs.siteUrl)));
      const dashboard = JSON.parse(String(run.find("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody));
      const cloudfront = dashboard.widgets.find((w: any) => w.properties.title === "CloudFront");
      assert.equal(cloudfront.properties.region, "us-east-1");
      assert.ok(JSON.stringify(cloudfront).includes(distribution().id));
    });
  });
}

describe("Edge: deploying a built SPA", () => {
  it("uploads every file with its content type and cache headers", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tms-spa-"));
    fs.mkdirSync(path.join(dir, "assets"));
    fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html>");
    fs.writeFileSync(path.join(dir, "assets", "index-BT3kx9aQ.js"), "console.log(1)");
    fs.writeFileSync(path.join(dir, "favicon.ico"), "");
    const run = await runStack("dev", { "tms:edge": { spaDirectory: dir } });
    const objects = Object.fromEntries(run.byType(T.object).map((o) => [o.inputs.key, [o.inputs.contentType, o.inputs.cacheControl, o.inputs.sourceHash]]));
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    assert.deepEqual(objects, {
      "assets/index-BT3kx9aQ.js": ["text/javascript; charset=utf-8", "public, max-age=31536000, immutable", sha256("console.log(1)")],
      "favicon.ico": ["image/x-icon", "public, max-age=300", sha256("")],
      "index.html": ["text/html; charset=utf-8", "no-cache", sha256("<!doctype html>")],
      // Written by the program, not the build: the settings of this stack, never cached.
      "config.json": ["application/json", "no-cache", undefined],
    });
    const settings = JSON.parse(String(run.byType(T.object).find((o) => o.inputs.key === "config.json")!.inputs.content));
    assert.deepEqual(settings, {
      apiBase: "",
      region: "ap-south-1",
      cognito: {
        authority: (run.outputs.cognito as Record<string, string>).issuerUrl,
        clientId: (run.outputs.cognito as Record<string, string>).clientId,
        domain: (run.outputs.cognito as Record<string, string>).hostedDomain,
      },
      map: {
        styleUrl: "https://maps.geo.ap-south-1.amazonaws.com/v2/styles/Standard/descriptor",
        identityPoolId: run.find("aws:cognito/identityPool:IdentityPool").id,
        loginProvider: (run.outputs.cognito as Record<string, string>).issuerUrl.replace("https://", ""),
      },
    });
    await assert.rejects(
      runStack("dev", { "tms:edge": { spaDirectory: path.join(dir, "missing") } }),
      /tms:edge\.spaDirectory: got ".*missing"; expected an existing directory/,
    );
  });
});
