/**
 * The TMS platform in ap-south-1: read and validate the stack's config, then
 * compose the components the way the architecture diagram draws them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ApiTier } from "./components/api";
import { Auth } from "./components/auth";
import { Database } from "./components/database";
import { Network } from "./components/network";
import { Observability } from "./components/observability";
import { DocumentStore } from "./components/storage";
import { loadStackConfig } from "./config";

const config = loadStackConfig();
const namePrefix = `${pulumi.getProject()}-${config.stack}`;

// Explicit providers carry the region and the default tags to every resource,
// so the plan (and the policy pack) can see them; one per region used.
const providerFor = (region: string) => new aws.Provider(`aws-${region}`, { region: region as aws.Region, defaultTags: { tags: config.defaultTags } });
const awsProvider = providerFor(config.region);
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

const database = new Database(
  "database",
  {
    namePrefix,
    dbSubnetGroupName: network.dbSubnetGroupName,
    rdsSecurityGroupId: network.rdsSecurityGroupId,
    cacheSubnetGroupName: network.cacheSubnetGroupName,
    redisSecurityGroupId: network.redisSecurityGroupId,
    postgres: config.database,
    redis: config.cache.enabled ? config.cache : undefined,
    logRetentionDays: config.logRetentionDays,
    protect: config.protectStatefulResources,
  },
  opts,
);

const documents = new DocumentStore(
  "documents",
  {
    namePrefix,
    replica: config.documents.replicaRegion ? { region: config.documents.replicaRegion, provider: providerFor(config.documents.replicaRegion) } : undefined,
    protect: config.protectStatefulResources,
  },
  opts,
);
if (config.documents.corsOrigins.length > 0) documents.allowBrowserUploads(config.documents.corsOrigins);

const auth = new Auth("auth", { namePrefix, ...config.auth }, opts);

const api = new ApiTier(
  "api",
  {
    namePrefix,
    network: { privateSubnetIds: network.privateSubnetIds, lambdaSecurityGroupId: network.lambdaSecurityGroupId },
    database: { host: database.endpoint, port: database.port, name: database.databaseName, secretArn: database.masterSecretArn, kmsKeyArn: database.kmsKeyArn },
    redis: database.redis && { host: database.redis.primaryEndpoint, port: database.redis.port, authSecretArn: database.redis.authTokenSecretArn, kmsKeyArn: database.kmsKeyArn },
    documents: { bucketName: documents.bucketName, bucketArn: documents.bucketArn, kmsKeyArn: documents.kmsKeyArn },
    auth: { issuerUrl: auth.issuerUrl, clientId: auth.clientId },
    mapsProvider: config.maps.providerUrl && config.mapsApiKey ? { url: config.maps.providerUrl, apiKey: config.mapsApiKey } : undefined,
    functions: config.functions,
    throttling: { rateLimit: config.api.throttlingRateLimit, burstLimit: config.api.throttlingBurstLimit },
    positionRetentionDays: config.positionRetentionDays,
    logRetentionDays: config.logRetentionDays,
  },
  opts,
);

const observability = new Observability(
  "observability",
  {
    namePrefix,
    alarmEmail: config.observability.alarmEmail,
    database: { instanceIdentifier: database.instanceIdentifier },
    redis: database.redis && config.cache.enabled ? { replicationGroupId: database.redis.replicationGroupId, nodes: config.cache.nodes } : undefined,
    api: { apiId: api.apiId },
    functions: api.functionNames,
    deadLetterQueueName: api.deadLetterQueueName,
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
export const postgres = {
  endpoint: database.endpoint,
  readerEndpoint: database.readerEndpoint,
  port: database.port,
  instanceIdentifier: database.instanceIdentifier,
  masterSecretArn: database.masterSecretArn,
  kmsKeyArn: database.kmsKeyArn,
};
export const redis = database.redis;
export const documentsBucket = { name: documents.bucketName, arn: documents.bucketArn, kmsKeyArn: documents.kmsKeyArn, replicaName: documents.replicaBucketName };
export const apiUrl = api.apiEndpoint;
export const apiId = api.apiId;
export const functionNames = api.functionNames;
export const cognito = { userPoolId: auth.userPoolId, clientId: auth.clientId, issuerUrl: auth.issuerUrl, hostedDomain: auth.hostedDomain };
export const dashboardName = observability.dashboardName;
export const alarmTopicArn = observability.alarmTopicArn;
