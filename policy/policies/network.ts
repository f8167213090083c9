/**
 * VPC and security groups. awsx's VPC is a component: under the engine its
 * children (aws:ec2/vpc:Vpc, subnets, ...) are visible; offline only the
 * component is. Both shapes are handled, so the offline plan and
 * `pulumi preview --policy-pack` agree.
 */
import type { PolicyResource } from "@pulumi/policy";
import { TmsPolicy, asArray, ofType, refersTo, resourcePolicy, stackPolicy, unwrap } from "./define";

const VPC = "aws:ec2/vpc:Vpc";
const AWSX_VPC = "awsx:ec2:Vpc";
const OPEN = ["0.0.0.0/0", "::/0"];

/** Each VPC once, with the URNs other resources' `vpcId` may depend on (the VPC and its awsx wrapper). */
function vpcsOf(resources: PolicyResource[]): { vpc: PolicyResource; urns: Set<string> }[] {
  const plain = ofType(resources, VPC).map((vpc) => ({
    vpc,
    urns: new Set([vpc.urn, ...(vpc.parent?.type === AWSX_VPC ? [vpc.parent.urn] : [])]),
  }));
  const wrapped = new Set(plain.flatMap(({ vpc }) => (vpc.parent?.type === AWSX_VPC ? [vpc.parent.urn] : [])));
  const components = ofType(resources, AWSX_VPC)
    .filter((c) => !wrapped.has(c.urn))
    .map((vpc) => ({ vpc, urns: new Set([vpc.urn]) }));
  return [...plain, ...components];
}

/** The VPCs that no resource of `type` refers to through its `vpcId`. */
function vpcsWithout(resources: PolicyResource[], type: string): PolicyResource[] {
  const companions = ofType(resources, type);
  return vpcsOf(resources)
    .filter(({ urns }) => !companions.some((c) => refersTo(c, "vpcId", urns)))
    .map(({ vpc }) => vpc);
}

export const networkPolicies: TmsPolicy[] = [
  resourcePolicy({
    name: "ec2-no-open-ingress",
    description: "No security group accepts inbound traffic from 0.0.0.0/0 or ::/0.",
    enforcementLevel: "mandatory",
    severity: "critical",
    fsbp: "EC2.18",
    remediation: "Allow ingress only from another security group (e.g. the Lambda group) or a narrow CIDR.",
    types: ["aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"],
    validate: (props, report, { args }) => {
      const openings: string[] = [];
      if (args.type === "aws:ec2/securityGroup:SecurityGroup") {
        for (const rule of asArray(props.ingress) as any[]) {
          for (const cidr of [...asArray(rule.cidrBlocks), ...asArray(rule.ipv6CidrBlocks)] as string[]) {
            if (OPEN.includes(cidr)) openings.push(`${rule.protocol} ${rule.fromPort}-${rule.toPort} from ${cidr}`);
          }
        }
      } else if (args.type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
        if (props.type === "ingress") {
          for (const cidr of [...asArray(props.cidrBlocks), ...asArray(props.ipv6CidrBlocks)] as string[]) {
            if (OPEN.includes(cidr)) openings.push(`${props.protocol} ${props.fromPort}-${props.toPort} from ${cidr}`);
          }
        }
      } else {
        for (const cidr of [props.cidrIpv4, props.cidrIpv6]) {
          if (OPEN.includes(cidr)) openings.push(`${props.ipProtocol} ${props.fromPort}-${props.toPort} from ${cidr}`);
        }
      }
      for (const opening of openings) report(`ingress ${opening}`);
    },
  }),
  stackPolicy({
    name: "ec2-default-security-group-closed",
    description: "Every VPC's default security group is managed and has no rules.",
    enforcementLevel: "mandatory",
    severity: "high",
    fsbp: "EC2.2",
    remediation: "Adopt it with aws.ec2.DefaultSecurityGroup for the VPC, with ingress: [] and egress: [].",
    validate: (resources, report) => {
      const defaults = ofType(resources, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
      for (const sg of defaults) {
        if (asArray(sg.props.ingress).length > 0 || asArray(sg.props.egress).length > 0) report(`default security group ${sg.name} has rules`, sg);
      }
      for (const vpc of vpcsWithout(resources, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")) {
        report(`VPC ${vpc.name}: its default security group is not managed (and keeps AWS's allow-all rules)`, vpc);
      }
    },
  }),
  stackPolicy({
    name: "vpc-flow-logs",
    description: "Every VPC records flow logs.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "EC2.6",
    remediation: "Add an aws.ec2.FlowLog for the VPC to a log group with retention.",
    validate: (resources, report) => {
      for (const vpc of vpcsWithout(resources, "aws:ec2/flowLog:FlowLog")) report(`VPC ${vpc.name} has no flow log`, vpc);
    },
  }),
  resourcePolicy({
    name: "ec2-private-subnet-no-public-ip",
    description: "Only public subnets give instances public IP addresses.",
    enforcementLevel: "mandatory",
    severity: "high",
    fsbp: "EC2.15",
    remediation: "Set mapPublicIpOnLaunch: false on private and isolated subnets.",
    types: ["aws:ec2/subnet:Subnet"],
    validate: (props, report) => {
      if (props.mapPublicIpOnLaunch !== true) return;
      // awsx tags each subnet with its tier.
      const raw = unwrap(props);
      const tier = raw.tags?.SubnetType ?? raw.tags?.Name ?? "";
      if (!/public/i.test(String(tier))) report(`subnet ${raw.cidrBlock ?? ""} (${tier || "untagged"}) maps public IPs on launch`);
    },
  }),
];
