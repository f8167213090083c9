/**
 * The TMS platform in ap-south-1: read and validate the stack's config, then
 * compose the components the way the architecture diagram draws them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Network } from "./components/network";
import { loadStackConfig } from "./config";

const config = loadStackConfig();
const namePrefix = `${pulumi.getProject()}-${config.stack}`;

// One explicit provider carries the region and the default tags to every
// resource, so the plan (and the policy pack) can see them.
const awsProvider = new aws.Provider(`aws-${config.region}`, {
  region: config.region as aws.Region,
  defaultTags: { tags: config.defaultTags },
});
const opts: pulumi.ComponentResourceOptions = { providers: [awsProvider] };

const network = new Network(
  "network",
  {
    namePrefix,
    ...config.network,
    flowLogs: { retentionInDays: config.logRetentionDays, trafficType: config.network.flowLogs.trafficType },
  },
  opts,
);

export const region = config.region;
export const vpcId = network.vpcId;
export const publicSubnetIds = network.publicSubnetIds;
export const privateSubnetIds = network.privateSubnetIds;
export const databaseSubnetIds = network.databaseSubnetIds;
export const securityGroupIds = {
  lambda: network.lambdaSecurityGroupId,
  rds: network.rdsSecurityGroupId,
  redis: network.redisSecurityGroupId,
};
export const dbSubnetGroupName = network.dbSubnetGroupName;
export const cacheSubnetGroupName = network.cacheSubnetGroupName;
