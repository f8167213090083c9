/**
 * What the AWS provider would answer, offline: ids and computed attributes for
 * new resources, and results for the data sources (invokes) the program calls.
 * Values are realistic enough that wiring between components (ids, ARNs) is
 * visible in the plan; anything not modelled stays unknown, as in a preview.
 */
import type { MockCallArgs, MockResourceArgs, MockResourceResult, Mocks } from "@pulumi/pulumi/runtime/mocks";

export const MOCK_ACCOUNT_ID = "123456789012";
const DEFAULT_REGION = "ap-south-1";

/** `10.0.1.0/24` → `10-0-1-0-24`, for ids derived from address ranges. */
const slug = (text: string) =>
  text
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();

interface SubnetSpec {
  type: string;
  name?: string;
  cidrBlocks?: string[];
}

/** Service part of an ARN for the provider modules whose names differ from it. */
const ARN_SERVICE: Record<string, string> = { cloudwatch: "logs", cognito: "cognito-idp", apigatewayv2: "apigateway", scheduler: "scheduler" };

export class PlanMocks implements Mocks {
  /** Set by the engine: the recorded inputs of a provider, by reference. */
  providerInputs: (ref: string) => Record<string, unknown> | undefined = () => undefined;

  constructor(private readonly stackRegion: string = DEFAULT_REGION) {}

  private regionOf(providerRef: string | undefined): string {
    const region = providerRef ? this.providerInputs(providerRef)?.region : undefined;
    return typeof region === "string" ? region : this.stackRegion;
  }

  newResource(args: MockResourceArgs): MockResourceResult {
    const region = this.regionOf(args.provider);
    const inputs = args.inputs as Record<string, unknown>;
    if (args.type === "awsx:ec2:Vpc") return { id: "", state: { ...inputs, ...vpcOutputs(args.name, inputs) } };
    if (!args.custom) return { id: "", state: inputs };
    if (args.type.startsWith("pulumi:providers:")) return { id: `${args.name}-provider-id`, state: inputs };

    const id = mockId(args.type, args.name, inputs);
    const state: Record<string, unknown> = { ...inputs, id };
    if (args.type.startsWith("aws:")) state.arn = mockArn(args.type, id, inputs, region);
    const computed = computedAttributes(args.type, args.name, id, inputs, region);
    // Some resources' ids are computed by AWS rather than chosen (a user pool's, for one).
    return { id: typeof computed.id === "string" ? computed.id : id, state: { ...state, ...computed } };
  }

  call(args: MockCallArgs): Record<string, unknown> {
    const region = this.regionOf(args.provider);
    const inputs = args.inputs as Record<string, any>;
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/plan`, userId: "AIDAPLAN", id: MOCK_ACCOUNT_ID };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
      case "aws:index/getRegion:getRegion":
        return { region, name: region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {
          names: ["a", "b", "c"].map((az) => `${region}${az}`),
          zoneIds: [1, 2, 3].map((n) => `${region.replace(/-/g, "")}-az${n}`),
          state: "available",
          id: region,
        };
      case "aws:ec2/getRouteTables:getRouteTables": {
        // One route table per subnet, as awsx creates them: derive its id from the subnet's.
        const subnetIds: string[] = (inputs.filters ?? []).find((f: any) => f.name === "association.subnet-id")?.values ?? [];
        return { ids: subnetIds.map((id) => id.replace(/^subnet-/, "rtb-")), vpcId: inputs.vpcId, id: inputs.vpcId };
      }
      default:
        throw new Error(`the offline plan cannot answer the data source ${args.token}; add it to plan/mocks.ts`);
    }
  }
}

/** awsx's Vpc is a remote component: its children never reach the mocks, so its outputs are derived from its inputs. */
function vpcOutputs(name: string, inputs: Record<string, unknown>) {
  const specs = (inputs.subnetSpecs as SubnetSpec[] | undefined) ?? [];
  const idsOf = (type: string) =>
    specs.filter((spec) => spec.type === type).flatMap((spec) => (spec.cidrBlocks ?? []).map((cidr) => `subnet-${slug(spec.name ?? type)}-${slug(cidr)}`));
  return {
    vpcId: `vpc-${slug(name)}`,
    publicSubnetIds: idsOf("Public"),
    privateSubnetIds: idsOf("Private"),
    isolatedSubnetIds: idsOf("Isolated"),
  };
}

/** Attributes the provider computes that other resources wire to. */
function computedAttributes(type: string, name: string, id: string, inputs: Record<string, any>, region: string): Record<string, unknown> {
  const account = MOCK_ACCOUNT_ID;
  switch (type) {
    case "aws:kms/key:Key":
      return { keyId: id, arn: `arn:aws:kms:${region}:${account}:key/${id}` };
    case "aws:rds/instance:Instance": {
      const address = `${id}.abcdefghijkl.${region}.rds.amazonaws.com`;
      return {
        address,
        port: 5432,
        endpoint: `${address}:5432`,
        arn: `arn:aws:rds:${region}:${account}:db:${id}`,
        ...(inputs.manageMasterUserPassword && {
          masterUserSecrets: [
            {
              secretArn: `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-${slug(id)}-AbCdEf`,
              kmsKeyId: inputs.masterUserSecretKmsKeyId,
              secretStatus: "active",
            },
          ],
        }),
      };
    }
    case "aws:elasticache/replicationGroup:ReplicationGroup":
      return {
        primaryEndpointAddress: `master.${id}.abcdef.aps1.cache.amazonaws.com`,
        readerEndpointAddress: `replica.${id}.abcdef.aps1.cache.amazonaws.com`,
        port: inputs.port ?? 6379,
        arn: `arn:aws:elasticache:${region}:${account}:replicationgroup:${id}`,
      };
    case "aws:secretsmanager/secret:Secret":
      return { arn: `arn:aws:secretsmanager:${region}:${account}:secret:${id}-AbCdEf` };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return { bucketRegionalDomainName: `${id}.s3.${region}.amazonaws.com`, region };
    case "aws:apigatewayv2/api:Api":
      return {
        apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com`,
        executionArn: `arn:aws:execute-api:${region}:${account}:${id}`,
        arn: `arn:aws:apigateway:${region}::/apis/${id}`,
      };
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${region}:${account}:function:${id}`;
      const version = inputs.publish ? "1" : "$LATEST";
      return {
        arn,
        invokeArn: lambdaInvokeArn(region, arn),
        version,
        qualifiedArn: `${arn}:${version}`,
        qualifiedInvokeArn: lambdaInvokeArn(region, `${arn}:${version}`),
      };
    }
    case "aws:lambda/alias:Alias": {
      const arn = `arn:aws:lambda:${region}:${account}:function:${inputs.functionName}:${inputs.name}`;
      return { arn, invokeArn: lambdaInvokeArn(region, arn) };
    }
    case "aws:cognito/userPool:UserPool": {
      const poolId = `${region}_Mock${slug(name).replace(/-/g, "")}`;
      return { id: poolId, arn: `arn:aws:cognito-idp:${region}:${account}:userpool/${poolId}`, endpoint: `cognito-idp.${region}.amazonaws.com/${poolId}` };
    }
    case "aws:sqs/queue:Queue":
      return { arn: `arn:aws:sqs:${region}:${account}:${id}`, url: `https://sqs.${region}.amazonaws.com/${account}/${id}` };
    case "aws:cloudfront/distribution:Distribution": {
      const distributionId = `E${slug(name).replace(/-/g, "").toUpperCase().slice(0, 13)}`;
      return {
        id: distributionId,
        arn: `arn:aws:cloudfront::${account}:distribution/${distributionId}`,
        domainName: `d${distributionId.toLowerCase()}.cloudfront.net`,
        hostedZoneId: "Z2FDTNDATAQYW2",
      };
    }
    case "aws:cloudfront/function:Function":
      return { arn: `arn:aws:cloudfront::${account}:function/${id}` };
    case "aws:acm/certificate:Certificate":
      return {
        arn: `arn:aws:acm:${region}:${account}:certificate/${slug(name)}`,
        domainValidationOptions: [
          {
            domainName: inputs.domainName,
            resourceRecordName: `_x1.${inputs.domainName}.`,
            resourceRecordType: "CNAME",
            resourceRecordValue: "_x2.acm-validations.aws.",
          },
        ],
      };
    case "aws:route53/record:Record":
      return { fqdn: String(inputs.name).replace(/\.$/, "") };
    case "aws:wafv2/webAcl:WebAcl":
      return { arn: `arn:aws:wafv2:${region}:${account}:global/webacl/${id}/mock` };
    case "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination":
      return { arn: `arn:aws:logs:${region}:${account}:delivery-destination:${id}` };
    case "random:index/randomId:RandomId":
      return { hex: "0a1b2c3d", b64Url: "ChssPQ", dec: "169552957" };
    case "random:index/randomPassword:RandomPassword":
      return { result: `mock-password-${name}` };
    default:
      return {};
  }
}

const lambdaInvokeArn = (region: string, functionArn: string) => `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;

function mockId(type: string, name: string, inputs: Record<string, unknown>): string {
  const prefixes: Record<string, string> = {
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
  };
  const prefix = prefixes[type];
  if (prefix) return `${prefix}-${slug(name)}`;
  // Resources whose id is their physical name.
  const physical = inputs.name ?? inputs.bucket ?? inputs.identifier ?? inputs.replicationGroupId ?? inputs.dashboardName;
  return typeof physical === "string" ? physical : `${name}-id`;
}

function mockArn(type: string, id: string, inputs: Record<string, unknown>, region: string): string {
  const [, module, resource] = /^aws:([^/]+)\/([^:]+):/.exec(type) ?? [];
  const account = MOCK_ACCOUNT_ID;
  switch (type) {
    case "aws:iam/role:Role":
      return `arn:aws:iam::${account}:role/${id}`;
    case "aws:iam/policy:Policy":
      return `arn:aws:iam::${account}:policy/${id}`;
    case "aws:cloudwatch/logGroup:LogGroup":
      return `arn:aws:logs:${region}:${account}:log-group:${String(inputs.name ?? id)}`;
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return `arn:aws:s3:::${id}`;
    default:
      return `arn:aws:${ARN_SERVICE[module] ?? module}:${region}:${account}:${slug(resource)}/${id}`;
  }
}
