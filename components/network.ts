import * as aws from "./aws";
import * as awsxEc2 from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";
import { FlowLogTrafficType, NETWORK_DEFAULTS, NatGatewayMode, SubnetLayout, subnetLayoutProblems } from "../rules/network";
import { LOG_RETENTION_DAYS } from "../rules/logs";
import { InvalidArgsError, awsContext, policyDocument, serviceTrustPolicy } from "./common";

export interface NetworkArgs extends Partial<SubnetLayout> {
  /**
   * Prefix of every physical name (`<prefix>-lambda-sg`, `<prefix>-db`, ...).
   * @example "tms-prod"
   */
  namePrefix: string;
  /**
   * The VPC's IPv4 range.
   * @default "10.0.0.0/16"
   */
  cidrBlock?: string;
  /**
   * Availability zones, one subnet of each tier per zone.
   * @default ["ap-south-1a", "ap-south-1b", "ap-south-1c"]
   */
  availabilityZones?: string[];
  /**
   * Public subnets (NAT gateways, nothing else), one per AZ, in AZ order.
   * @default ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"]
   */
  publicSubnetCidrs?: string[];
  /**
   * Private subnets for the Lambdas, routed to the internet through NAT.
   * @default ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
   */
  privateSubnetCidrs?: string[];
  /**
   * Isolated database subnets: no route to or from the internet.
   * @default ["10.0.201.0/24", "10.0.202.0/24", "10.0.203.0/24"]
   */
  databaseSubnetCidrs?: string[];
  /**
   * `OnePerAz` keeps each AZ's egress independent; `Single` saves two NAT
   * gateways at the price of a shared point of failure.
   * @default "OnePerAz"
   */
  natGateways?: NatGatewayMode;
  /** VPC flow logs, always on; these tune them. */
  flowLogs?: {
    /**
     * Days CloudWatch keeps the flow log records.
     * @default 30
     */
    retentionInDays?: number;
    /**
     * Which traffic to record.
     * @default "ALL"
     */
    trafficType?: FlowLogTrafficType;
  };
}

type NormalizedNetworkArgs = Required<Omit<NetworkArgs, "flowLogs">> & {
  flowLogs: { retentionInDays: number; trafficType: FlowLogTrafficType };
};

function normalize(args: NetworkArgs): NormalizedNetworkArgs {
  const normalized: NormalizedNetworkArgs = {
    namePrefix: args.namePrefix,
    cidrBlock: args.cidrBlock ?? NETWORK_DEFAULTS.cidrBlock,
    availabilityZones: args.availabilityZones ?? NETWORK_DEFAULTS.availabilityZones,
    publicSubnetCidrs: args.publicSubnetCidrs ?? NETWORK_DEFAULTS.publicSubnetCidrs,
    privateSubnetCidrs: args.privateSubnetCidrs ?? NETWORK_DEFAULTS.privateSubnetCidrs,
    databaseSubnetCidrs: args.databaseSubnetCidrs ?? NETWORK_DEFAULTS.databaseSubnetCidrs,
    natGateways: args.natGateways ?? NETWORK_DEFAULTS.natGateways,
    flowLogs: { ...NETWORK_DEFAULTS.flowLogs, ...args.flowLogs },
  };
  const problems = subnetLayoutProblems(normalized);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(normalized.flowLogs.retentionInDays)) {
    problems.push({
      path: ["flowLogs", "retentionInDays"],
      message: `expected a retention CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(", ")}), got ${normalized.flowLogs.retentionInDays}`,
    });
  }
  if (problems.length > 0) throw new InvalidArgsError("tms:network:Network", problems);
  return normalized;
}

/**
 * How long deleting the Lambda security group may wait for Lambda's network
 * interfaces: AWS releases a VPC function's interfaces only some time after the
 * function is gone, often 20 minutes or more, and until then the group cannot
 * be deleted (DependencyViolation, which the provider retries until its
 * timeout: 15 minutes by default).
 */
export const ENI_RELEASE_TIMEOUT = "45m";

/**
 * The TMS VPC: public, private (Lambda) and isolated (database) subnets on
 * three AZs, NAT egress, flow logs, an S3 gateway endpoint, the security groups
 * of the reference (Lambda → RDS/Redis only) and the data stores' subnet groups.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  public readonly databaseSubnetIds: pulumi.Output<string[]>;
  public readonly lambdaSecurityGroupId: pulumi.Output<string>;
  public readonly rdsSecurityGroupId: pulumi.Output<string>;
  public readonly redisSecurityGroupId: pulumi.Output<string>;
  public readonly dbSubnetGroupName: pulumi.Output<string>;
  public readonly cacheSubnetGroupName: pulumi.Output<string>;
  public readonly flowLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tms:network:Network", name, {}, opts);
    const a = normalize(args);

    const vpc = this.createVpc(name, a);
    this.vpcId = vpc.vpcId;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;
    this.databaseSubnetIds = vpc.isolatedSubnetIds;

    this.lockDownDefaultSecurityGroup(name, a);
    this.flowLogGroupName = this.createFlowLogs(name, a);
    this.createS3GatewayEndpoint(name, a);

    // The Lambda group goes before the subnets on destroy: by the time it is gone, so are the interfaces the subnets wait for.
    const groups = this.createSecurityGroups(
      name,
      a,
      vpc.subnets.apply((subnets) => subnets ?? []),
    );
    this.lambdaSecurityGroupId = groups.lambda.id;
    this.rdsSecurityGroupId = groups.rds.id;
    this.redisSecurityGroupId = groups.redis.id;

    const subnetGroups = this.createSubnetGroups(name, a);
    this.dbSubnetGroupName = subnetGroups.db.name;
    this.cacheSubnetGroupName = subnetGroups.cache.name;

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      databaseSubnetIds: this.databaseSubnetIds,
      lambdaSecurityGroupId: this.lambdaSecurityGroupId,
      rdsSecurityGroupId: this.rdsSecurityGroupId,
      redisSecurityGroupId: this.redisSecurityGroupId,
      dbSubnetGroupName: this.dbSubnetGroupName,
      cacheSubnetGroupName: this.cacheSubnetGroupName,
      flowLogGroupName: this.flowLogGroupName,
    });
  }

  private createVpc(name: string, a: NormalizedNetworkArgs) {
    return new awsxEc2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: a.cidrBlock,
        availabilityZoneNames: a.availabilityZones,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        // Explicit CIDR blocks require the "Auto" strategy; "Legacy" would re-order tiers.
        subnetStrategy: "Auto",
        subnetSpecs: [
          { type: "Public", name: "public", cidrBlocks: a.publicSubnetCidrs },
          { type: "Private", name: "private", cidrBlocks: a.privateSubnetCidrs },
          { type: "Isolated", name: "database", cidrBlocks: a.databaseSubnetCidrs },
        ],
        natGateways: { strategy: a.natGateways },
        tags: { Name: `${a.namePrefix}-vpc` },
      },
      // A remote component receives only the providers named in its own
      // options, not those it would inherit from its parent.
      { parent: this, providers: [this.getProvider("aws:ec2/vpc:Vpc")].filter((p) => p !== undefined) },
    );
  }

  /** Adopts the VPC's default security group and strips every rule, so nothing can use it by accident. */
  private lockDownDefaultSecurityGroup(name: string, a: NormalizedNetworkArgs) {
    return new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: this.vpcId, ingress: [], egress: [], tags: { Name: `${a.namePrefix}-default-sg-unused` } },
      { parent: this },
    );
  }

  private createFlowLogs(name: string, a: NormalizedNetworkArgs) {
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { name: `/aws/vpc/${a.namePrefix}/flow-logs`, retentionInDays: a.flowLogs.retentionInDays },
      { parent: this },
    );
    const { accountId, partition, region } = awsContext(this);
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        name: `${a.namePrefix}-vpc-flow-logs`,
        description: "Lets VPC Flow Logs write to its own log group and nowhere else",
        // Confused-deputy guard: only this account's flow logs may assume the role.
        assumeRolePolicy: serviceTrustPolicy(
          "vpc-flow-logs.amazonaws.com",
          accountId,
          pulumi.interpolate`arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*`,
        ),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        name: "write-flow-logs",
        role: role.name,
        policy: pulumi.all([logGroup.arn, accountId, partition, region]).apply(([groupArn, account, part, reg]) =>
          policyDocument([
            {
              Sid: "WriteOwnLogGroup",
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              Resource: [groupArn, `${groupArn}:*`],
            },
            {
              // The service looks its group up by name before writing; listing is read-only.
              Sid: "FindLogGroup",
              Effect: "Allow",
              Action: "logs:DescribeLogGroups",
              Resource: `arn:${part}:logs:${reg}:${account}:log-group:*`,
            },
          ]),
        ),
      },
      { parent: this },
    );
    new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId: this.vpcId,
        trafficType: a.flowLogs.trafficType,
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        tags: { Name: `${a.namePrefix}-vpc-flow-log` },
      },
      { parent: this },
    );
    return logGroup.name;
  }

  /** Lambdas reach S3 (documents, presigning checks) without paying NAT data processing. */
  private createS3GatewayEndpoint(name: string, a: NormalizedNetworkArgs) {
    const privateRouteTables = aws.ec2.getRouteTablesOutput(
      {
        vpcId: this.vpcId,
        filters: [{ name: "association.subnet-id", values: this.privateSubnetIds }],
      },
      { parent: this },
    );
    return new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: this.vpcId,
        serviceName: pulumi.interpolate`com.amazonaws.${awsContext(this).region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: privateRouteTables.ids,
        tags: { Name: `${a.namePrefix}-s3-endpoint` },
      },
      { parent: this },
    );
  }

  /**
   * Lambda → RDS/Redis, nothing else. The Lambda group has no ingress; its
   * egress is HTTPS (AWS APIs, the maps provider via NAT) and the two data
   * ports to their groups only. The data groups take their port from the
   * Lambda group and from no CIDR at all.
   */
  private createSecurityGroups(name: string, a: NormalizedNetworkArgs, subnets: pulumi.Input<pulumi.Resource[]>) {
    const group = (tier: string, description: string, options: pulumi.CustomResourceOptions = {}) =>
      new aws.ec2.SecurityGroup(
        `${name}-${tier}`,
        {
          name: `${a.namePrefix}-${tier}-sg`,
          description,
          vpcId: this.vpcId,
          revokeRulesOnDelete: true,
          tags: { Name: `${a.namePrefix}-${tier}-sg` },
        },
        { parent: this, ...options },
      );
    const lambda = group("lambda", "TMS Lambdas: outbound only", { customTimeouts: { delete: ENI_RELEASE_TIMEOUT }, dependsOn: subnets });
    const rds = group("rds", "TMS PostgreSQL: 5432 from the Lambda group only");
    const redis = group("redis", "TMS Redis: 6379 from the Lambda group only");

    const tcp = (port: number) => ({ ipProtocol: "tcp", fromPort: port, toPort: port });
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-lambda-https`,
      { securityGroupId: lambda.id, ...tcp(443), cidrIpv4: "0.0.0.0/0", description: "HTTPS to AWS APIs and external APIs" },
      { parent: this },
    );
    const dataTiers = [
      { tier: "rds", target: rds, port: 5432, label: "PostgreSQL" },
      { tier: "redis", target: redis, port: 6379, label: "Redis" },
    ];
    for (const { tier, target, port, label } of dataTiers) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-lambda-to-${tier}`,
        { securityGroupId: lambda.id, ...tcp(port), referencedSecurityGroupId: target.id, description: `${label} to the ${tier} group` },
        { parent: this },
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${tier}-from-lambda`,
        { securityGroupId: target.id, ...tcp(port), referencedSecurityGroupId: lambda.id, description: `${label} from the Lambda group` },
        { parent: this },
      );
    }
    return { lambda, rds, redis };
  }

  private createSubnetGroups(name: string, a: NormalizedNetworkArgs) {
    const db = new aws.rds.SubnetGroup(
      `${name}-db`,
      { name: `${a.namePrefix}-db`, description: "TMS PostgreSQL: isolated subnets", subnetIds: this.databaseSubnetIds },
      { parent: this },
    );
    const cache = new aws.elasticache.SubnetGroup(
      `${name}-redis`,
      { name: `${a.namePrefix}-redis`, description: "TMS Redis: isolated subnets", subnetIds: this.databaseSubnetIds },
      { parent: this },
    );
    return { db, cache };
  }
}
