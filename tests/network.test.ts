import { strict as assert } from "assert";
import { T, PlanResource, StackRun, policyJson, runStack } from "./harness";

const REFERENCE_SUBNETS = {
  public: ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"],
  private: ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
  database: ["10.0.201.0/24", "10.0.202.0/24", "10.0.203.0/24"],
};

const group = (run: StackRun, tier: string) => run.find(T.sg, `network-${tier}`);
const rulesOf = (run: StackRun, type: string, sg: PlanResource) => run.byType(type).filter((r) => r.inputs.securityGroupId === sg.id);

for (const [stack, natStrategy, retention] of [
  ["prod", "OnePerAz", 365],
  ["dev", "Single", 14],
] as const) {
  describe(`Network (${stack})`, () => {
    let run: StackRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("is one tms:network:Network component parenting all its resources", () => {
      const network = run.find("tms:network:Network", "network");
      const owned = run.resources.filter((r) => r.parent === network.urn);
      assert.ok(owned.length >= 15, `only ${owned.length} children`);
      const networkTypes = [
        T.vpc,
        T.sg,
        T.defaultSg,
        T.ingress,
        T.egress,
        T.flowLog,
        T.logGroup,
        T.role,
        T.rolePolicy,
        T.endpoint,
        T.dbSubnets,
        T.cacheSubnets,
      ];
      for (const type of networkTypes) {
        const mine = run.byType(type).filter((r) => r.name.startsWith("network-"));
        assert.ok(mine.length > 0 && mine.every((r) => r.parent === network.urn), `${type} outside the component`);
      }
    });

    it("creates the awsx VPC with the reference's exact CIDRs on ap-south-1a/b/c", () => {
      const vpc = run.find(T.vpc);
      assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
      assert.deepEqual(vpc.inputs.availabilityZoneNames, ["ap-south-1a", "ap-south-1b", "ap-south-1c"]);
      assert.equal(vpc.inputs.subnetStrategy, "Auto");
      assert.deepEqual(vpc.inputs.subnetSpecs, [
        { type: "Public", name: "public", cidrBlocks: REFERENCE_SUBNETS.public },
        { type: "Private", name: "private", cidrBlocks: REFERENCE_SUBNETS.private },
        { type: "Isolated", name: "database", cidrBlocks: REFERENCE_SUBNETS.database },
      ]);
      assert.equal(vpc.inputs.enableDnsHostnames, true);
    });

    it(`uses NAT strategy ${natStrategy}`, () => {
      assert.deepEqual(run.find(T.vpc).inputs.natGateways, { strategy: natStrategy });
    });

    it("sends all VPC traffic to a retained log group through a role that can write only there", () => {
      const flowLog = run.find(T.flowLog);
      const logGroup = run.find(T.logGroup, "network-flow-logs");
      const role = run.find(T.role, "network-flow-logs");
      assert.equal(flowLog.inputs.vpcId, run.outputs.vpcId);
      assert.equal(flowLog.inputs.trafficType, "ALL");
      assert.equal(flowLog.inputs.logDestinationType, "cloud-watch-logs");
      assert.equal(flowLog.inputs.logDestination, `arn:aws:logs:ap-south-1:123456789012:log-group:/aws/vpc/tms-${stack}/flow-logs`);
      assert.deepEqual(flowLog.propertyDependencies.logDestination, [logGroup.urn]);
      assert.deepEqual(flowLog.propertyDependencies.iamRoleArn, [role.urn]);
      assert.equal(logGroup.inputs.retentionInDays, retention);

      const trust = policyJson(role.inputs.assumeRolePolicy).Statement;
      assert.deepEqual(
        trust.map((s) => s.Principal),
        [{ Service: "vpc-flow-logs.amazonaws.com" }],
      );
      assert.equal(trust[0].Condition.StringEquals["aws:SourceAccount"], "123456789012");

      const policy = run.find(T.rolePolicy, "network-flow-logs");
      assert.deepEqual(policy.propertyDependencies.role, [role.urn]);
      const statements = policyJson(policy.inputs.policy).Statement;
      const groupArn = String(flowLog.inputs.logDestination);
      const write = statements.find((s) => [s.Action].flat().includes("logs:PutLogEvents"))!;
      assert.deepEqual(write.Resource, [groupArn, `${groupArn}:*`]);
      for (const statement of statements) {
        assert.equal(statement.Effect, "Allow");
        for (const action of [statement.Action].flat()) assert.match(action, /^logs:(CreateLogStream|PutLogEvents|Describe\w+)$/);
        for (const resource of [statement.Resource].flat()) assert.notEqual(resource, "*");
      }
    });

    it("strips every rule from the VPC's default security group", () => {
      const sg = run.find(T.defaultSg);
      assert.equal(sg.inputs.vpcId, run.outputs.vpcId);
      assert.deepEqual(sg.inputs.ingress, []);
      assert.deepEqual(sg.inputs.egress, []);
    });

    it("routes the private subnets to S3 through a gateway endpoint", () => {
      const endpoint = run.find(T.endpoint);
      assert.equal(endpoint.inputs.vpcEndpointType, "Gateway");
      assert.equal(endpoint.inputs.serviceName, "com.amazonaws.ap-south-1.s3");
      // The mock derives each subnet's route table id from the subnet id.
      const privateSubnets = run.outputs.privateSubnetIds as string[];
      assert.deepEqual(
        endpoint.inputs.routeTableIds,
        privateSubnets.map((id) => id.replace("subnet-", "rtb-")),
      );
      assert.ok(privateSubnets.every((id) => id.startsWith("subnet-private-")));
    });

    it("gives the Lambda group no ingress and only HTTPS plus the two data ports out", () => {
      const lambda = group(run, "lambda");
      assert.equal(lambda.inputs.name, `tms-${stack}-lambda-sg`);
      assert.equal(lambda.inputs.ingress, undefined);
      assert.deepEqual(rulesOf(run, T.ingress, lambda), []);
      const egress = rulesOf(run, T.egress, lambda).map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId]);
      assert.deepEqual(egress.sort(), [
        [443, "0.0.0.0/0"],
        [5432, group(run, "rds").id],
        [6379, group(run, "redis").id],
      ]);
    });

    for (const [tier, port] of [
      ["rds", 5432],
      ["redis", 6379],
    ] as const) {
      it(`lets the ${tier} group take ${port} from the Lambda group only`, () => {
        const target = group(run, tier);
        const lambda = group(run, "lambda");
        const ingress = rulesOf(run, T.ingress, target);
        assert.equal(ingress.length, 1);
        const [rule] = ingress;
        assert.deepEqual(
          { protocol: rule.inputs.ipProtocol, from: rule.inputs.fromPort, to: rule.inputs.toPort, source: rule.inputs.referencedSecurityGroupId },
          { protocol: "tcp", from: port, to: port, source: lambda.id },
        );
        assert.equal(rule.inputs.cidrIpv4, undefined);
        // Linked the way the engine links them: by property dependency, not by id string alone.
        assert.deepEqual(rule.propertyDependencies.referencedSecurityGroupId, [lambda.urn]);
        assert.deepEqual(rule.propertyDependencies.securityGroupId, [target.urn]);
        assert.deepEqual(rulesOf(run, T.egress, target), [], "data tiers initiate nothing");
      });
    }

    it("opens nothing to the internet", () => {
      for (const rule of run.byType(T.ingress)) {
        assert.ok(rule.inputs.cidrIpv4 === undefined && rule.inputs.cidrIpv6 === undefined, `${rule.name} takes a CIDR`);
      }
      for (const sg of [...run.byType(T.sg), ...run.byType(T.defaultSg)]) {
        assert.ok(!JSON.stringify(sg.inputs.ingress ?? []).match(/0\.0\.0\.0\/0|::\/0/), `${sg.name} has open inline ingress`);
      }
    });

    it("puts the RDS and ElastiCache subnet groups on the isolated subnets", () => {
      const isolated = run.outputs.databaseSubnetIds as string[];
      assert.equal(isolated.length, 3);
      assert.ok(isolated.every((id) => id.startsWith("subnet-database-")));
      assert.deepEqual(run.find(T.dbSubnets).inputs.subnetIds, isolated);
      assert.equal(run.find(T.dbSubnets).inputs.name, `tms-${stack}-db`);
      assert.deepEqual(run.find(T.cacheSubnets).inputs.subnetIds, isolated);
    });

    it("exports the network's typed outputs", () => {
      assert.equal(run.outputs.vpcId, "vpc-network-vpc");
      assert.deepEqual(run.outputs.securityGroupIds, { lambda: group(run, "lambda").id, rds: group(run, "rds").id, redis: group(run, "redis").id });
      assert.equal(run.outputs.dbSubnetGroupName, `tms-${stack}-db`);
      assert.equal(run.outputs.cacheSubnetGroupName, `tms-${stack}-redis`);
      assert.equal((run.outputs.publicSubnetIds as string[]).length, 3);
    });

    it("hands the ap-south-1 provider to awsx's VPC, which builds its children in the awsx plugin", () => {
      assert.equal(run.providerOf(run.find(T.vpc))?.inputs.region, "ap-south-1", "the awsx VPC does not get the provider");
    });
  });
}

describe("Network variants", () => {
  it("honours a custom address plan from config", async () => {
    const run = await runStack("dev", {
      "tms:network": {
        cidrBlock: "10.20.0.0/16",
        availabilityZones: ["ap-south-1a", "ap-south-1b"],
        publicSubnetCidrs: ["10.20.0.0/24", "10.20.1.0/24"],
        privateSubnetCidrs: ["10.20.16.0/20", "10.20.32.0/20"],
        databaseSubnetCidrs: ["10.20.64.0/24", "10.20.65.0/24"],
      },
    });
    const vpc = run.find(T.vpc);
    assert.equal(vpc.inputs.cidrBlock, "10.20.0.0/16");
    assert.deepEqual(
      (vpc.inputs.subnetSpecs as { cidrBlocks: string[] }[]).map((s) => s.cidrBlocks.length),
      [2, 2, 2],
    );
    assert.equal((run.outputs.databaseSubnetIds as string[]).length, 2);
  });
});

describe("pulumi destroy waits for Lambda's network interfaces", () => {
  it("the Lambda group waits 45 minutes on delete (the provider's default is 15), the data groups the default", async () => {
    const run = await runStack("dev");
    assert.equal(run.optionsOf(group(run, "lambda")).deleteTimeout, "45m");
    assert.equal(run.optionsOf(group(run, "rds")).deleteTimeout, undefined);
  });

  it("no function moves its interfaces off the Lambda group before deletion: the group's wait is what holds the subnets back", async () => {
    const run = await runStack("dev");
    for (const fn of run.byType("aws:lambda/function:Function")) assert.equal(fn.inputs.replaceSecurityGroupsOnDestroy, undefined, fn.name);
  });
});
