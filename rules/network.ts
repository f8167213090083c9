/** The network's defaults (the reference's address plan) and the checks of an address plan. */
import { contains, overlaps, parseCidr } from "./cidr";
import { DEFAULT_LOG_RETENTION_DAYS } from "./logs";
import { ArgProblem, formatPath } from "./problems";

export type NatGatewayMode = "OnePerAz" | "Single";
export type FlowLogTrafficType = "ALL" | "ACCEPT" | "REJECT";

/** The reference architecture's network: three AZs in ap-south-1, three tiers of /24s. */
export const NETWORK_DEFAULTS = {
  cidrBlock: "10.0.0.0/16",
  availabilityZones: ["ap-south-1a", "ap-south-1b", "ap-south-1c"],
  publicSubnetCidrs: ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"],
  privateSubnetCidrs: ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
  databaseSubnetCidrs: ["10.0.201.0/24", "10.0.202.0/24", "10.0.203.0/24"],
  natGateways: "OnePerAz" as NatGatewayMode,
  flowLogs: { retentionInDays: DEFAULT_LOG_RETENTION_DAYS, trafficType: "ALL" as FlowLogTrafficType },
};

/** The part of the args that fixes the address plan; validated before anything is created. */
export interface SubnetLayout {
  cidrBlock: string;
  availabilityZones: string[];
  publicSubnetCidrs: string[];
  privateSubnetCidrs: string[];
  databaseSubnetCidrs: string[];
}

const NOT_A_NETWORK = "expected an IPv4 network in CIDR form (a.b.c.d/n) with no host bits set";

/**
 * Checks an address plan: every CIDR well-formed, one subnet of each tier per
 * AZ, every subnet inside the VPC, no two subnets overlapping, AZs distinct.
 * Paths name the offending field, so callers can report it in their own terms.
 */
export function subnetLayoutProblems(layout: SubnetLayout): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const vpc = parseCidr(layout.cidrBlock);
  if (!vpc) {
    problems.push({ path: ["cidrBlock"], message: NOT_A_NETWORK });
  }
  const zones = layout.availabilityZones;
  zones.forEach((zone, i) => {
    if (zones.indexOf(zone) !== i) problems.push({ path: ["availabilityZones", i], message: `expected distinct zones; "${zone}" is listed twice` });
  });
  const tiers = ["publicSubnetCidrs", "privateSubnetCidrs", "databaseSubnetCidrs"] as const;
  const seen: { path: (string | number)[]; cidr: string; range: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
  for (const tier of tiers) {
    const cidrs = layout[tier];
    if (cidrs.length !== zones.length) {
      problems.push({
        path: [tier],
        message: `expected one subnet per availability zone (${zones.length}), got ${cidrs.length}`,
      });
    }
    cidrs.forEach((cidr, i) => {
      const path = [tier, i];
      const range = parseCidr(cidr);
      if (!range) {
        problems.push({ path, message: NOT_A_NETWORK });
        return;
      }
      if (range.prefix < 16 || range.prefix > 28) {
        problems.push({ path, message: "expected a prefix between /16 and /28, the sizes AWS allows for subnets" });
      }
      if (vpc && !contains(vpc, range)) {
        problems.push({ path, message: `expected a range inside the VPC's ${layout.cidrBlock}` });
      }
      const clash = seen.find((other) => overlaps(other.range, range));
      if (clash) {
        problems.push({ path, message: `expected no overlap, but it overlaps ${formatPath(clash.path)} (${clash.cidr})` });
      }
      seen.push({ path, cidr, range });
    });
  }
  return problems;
}
