/** CloudFront distributions. */
import { TmsPolicy, asArray, ofType, resourcePolicy, stackPolicy } from "./define";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const LOG_DELIVERY_SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource";
const MODERN_TLS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

const behaviors = (props: Record<string, any>) => [
  { where: "defaultCacheBehavior", behavior: props.defaultCacheBehavior },
  ...asArray(props.orderedCacheBehaviors).map((b: any) => ({ where: `behavior ${b.pathPattern}`, behavior: b })),
];

export const edgePolicies: TmsPolicy[] = [
  resourcePolicy({
    name: "cloudfront-https-only",
    description: "Every CloudFront behavior serves viewers over HTTPS only.",
    enforcementLevel: "mandatory",
    severity: "high",
    fsbp: "CloudFront.3",
    remediation: 'Set viewerProtocolPolicy to "redirect-to-https" or "https-only" on every behavior.',
    types: [DISTRIBUTION],
    validate: (props, report) => {
      for (const { where, behavior } of behaviors(props)) {
        if (!["redirect-to-https", "https-only"].includes(behavior?.viewerProtocolPolicy)) {
          report(`${where} allows ${behavior?.viewerProtocolPolicy ?? "an unset"} viewer protocol`);
        }
      }
    },
  }),
  resourcePolicy({
    name: "cloudfront-tls-minimum",
    description: "A distribution with a custom certificate accepts TLS 1.2 (2021 policy) or newer, over SNI.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediation: 'Set viewerCertificate.minimumProtocolVersion "TLSv1.2_2021" and sslSupportMethod "sni-only".',
    types: [DISTRIBUTION],
    validate: (props, report, { args }) => {
      const cert = props.viewerCertificate ?? {};
      if (!cert.acmCertificateArn && !cert.iamCertificateId) args.notApplicable("the CloudFront default certificate is in use");
      if (!MODERN_TLS.includes(cert.minimumProtocolVersion))
        report(`minimumProtocolVersion is ${cert.minimumProtocolVersion ?? "unset"}; expected one of ${MODERN_TLS.join(", ")}`);
      if (cert.sslSupportMethod !== "sni-only") report(`sslSupportMethod is ${cert.sslSupportMethod ?? "unset"}; expected sni-only`);
    },
  }),
  resourcePolicy({
    name: "cloudfront-origin-https",
    description: "CloudFront reaches custom origins over HTTPS with TLS 1.2 only.",
    enforcementLevel: "mandatory",
    severity: "high",
    fsbp: "CloudFront.9",
    remediation: 'Set customOriginConfig.originProtocolPolicy "https-only" and originSslProtocols ["TLSv1.2"].',
    types: [DISTRIBUTION],
    validate: (props, report) => {
      for (const origin of asArray(props.origins) as any[]) {
        const custom = origin.customOriginConfig;
        if (!custom) continue;
        if (custom.originProtocolPolicy !== "https-only") report(`origin ${origin.originId} uses ${custom.originProtocolPolicy}`);
        const weak = asArray(custom.originSslProtocols).filter((p: string) => p !== "TLSv1.2");
        if (weak.length > 0) report(`origin ${origin.originId} allows ${weak.join(", ")}`);
      }
    },
  }),
  resourcePolicy({
    name: "cloudfront-s3-origin-access-control",
    description: "S3 origins are private and reached through origin access control, not the legacy identity.",
    enforcementLevel: "mandatory",
    severity: "critical",
    fsbp: "CloudFront.13",
    remediation: "Give every S3 origin an originAccessControlId (aws.cloudfront.OriginAccessControl) and a bucket policy that names the distribution.",
    types: [DISTRIBUTION],
    validate: (props, report) => {
      for (const origin of asArray(props.origins) as any[]) {
        if (origin.customOriginConfig) continue;
        if (origin.s3OriginConfig?.originAccessIdentity) report(`origin ${origin.originId} uses a legacy origin access identity`);
        if (!origin.originAccessControlId) report(`S3 origin ${origin.originId} has no origin access control`);
      }
    },
  }),
  resourcePolicy({
    name: "cloudfront-default-root-object",
    description: "Distributions name a default root object.",
    enforcementLevel: "advisory",
    severity: "low",
    fsbp: "CloudFront.1",
    remediation: 'Set defaultRootObject: "index.html".',
    types: [DISTRIBUTION],
    validate: (props, report) => {
      if (!props.defaultRootObject) report("defaultRootObject is not set");
    },
  }),
  stackPolicy({
    name: "cloudfront-logging",
    description: "Distributions write standard access logs.",
    enforcementLevel: "advisory",
    severity: "low",
    fsbp: "CloudFront.5",
    remediation: "Set loggingConfig, or deliver standard logs (v2) with an aws.cloudwatch.LogDeliverySource for the distribution.",
    validate: (resources, report) => {
      const sources = ofType(resources, LOG_DELIVERY_SOURCE);
      for (const distribution of ofType(resources, DISTRIBUTION)) {
        const v2 = sources.some((s) => (s.propertyDependencies.resourceArn ?? s.dependencies).some((d) => d.urn === distribution.urn));
        if (!distribution.props.loggingConfig?.bucket && !v2) report(`distribution ${distribution.name} writes no access logs`, distribution);
      }
    },
  }),
  resourcePolicy({
    name: "cloudfront-waf",
    description: "Distributions are protected by an AWS WAF web ACL.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "CloudFront.6",
    remediation: "Associate a WAFv2 web ACL (scope CLOUDFRONT, us-east-1) through webAclId.",
    types: [DISTRIBUTION],
    validate: (props, report) => {
      if (!props.webAclId) report("webAclId is not set");
    },
  }),
];
