/**
 * The TMS platform in ap-south-1: read and validate the stack's config, then
 * compose the components the way the architecture diagram draws them.
 */
import * as fs from "fs";
import * as path from "path";
import * as aws from "./components/aws";
import * as pulumi from "@pulumi/pulumi";
import { ApiTier } from "./components/api";
import { Auth } from "./components/auth";
import { Database } from "./components/database";
import { Edge } from "./components/edge";
import { MapAccess } from "./components/map-access";
import { Network } from "./components/network";
import { Observability } from "./components/observability";
import { DocumentStore } from "./components/storage";
import { loadStackConfig } from "./config";

const config = loadStackConfig();
const namePrefix = `${pulumi.getProject()}-${config.stack}`;
/** Where `npm run build:web` puts the web app. */
const WEB_BUILD = path.resolve(__dirname, "web", "dist");

// Explicit providers carry the region and the default tags to every resource,
// so the plan (and the policy pack) can see them; one per region used, shared
// by every component there (a second provider of the same name would collide).
const providers = new Map<string, aws.Provider>();
function providerFor(region: string): aws.Provider {
  let provider = providers.get(region);
  if (!provider)
    providers.set(region, (provider = new aws.Provider(`aws-${region}`, { region: region as aws.Region, defaultTags: { tags: config.defaultTags } })));
  return provider;
}
const awsProvider = providerFor(config.region);
// Disaster recovery lives where the documents replica does: backups, secrets and documents survive losing the home region together.
const drRegion = config.documents.replicaRegion ? { region: config.documents.replicaRegion, provider: providerFor(config.documents.replicaRegion) } : undefined;
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
    drRegion,
  },
  opts,
);

const documents = new DocumentStore(
  "documents",
  {
    namePrefix,
    replica: drRegion,
    accessAudit: config.documents.accessAudit ? { retentionDays: config.logRetentionDays } : undefined,
    protect: config.protectStatefulResources,
  },
  opts,
);
// The hosted sign-in returns to the site, whose URL is the Edge's (the CloudFront domain without a custom
// one). The Edge is built after the API, which needs the sign-in client: the URL is filled in once the Edge exists.
const [siteUrlOfEdge, resolveSiteUrl] = pulumi.deferredOutput<string>();
const auth = new Auth("auth", { namePrefix, ...config.auth, callbackUrls: [pulumi.interpolate`${siteUrlOfEdge}/`, ...config.auth.callbackUrls] }, opts);

// Signed-in users' browsers read map tiles with short-lived credentials; the estimate provider has no base map.
const mapAccess =
  config.maps.provider === "amazon-location"
    ? new MapAccess(
        "maps",
        { namePrefix, region: config.region, userPool: { issuerUrl: auth.issuerUrl, clientId: auth.clientId }, style: config.maps.style },
        opts,
      )
    : undefined;

const api = new ApiTier(
  "api",
  {
    namePrefix,
    network: { privateSubnetIds: network.privateSubnetIds, lambdaSecurityGroupId: network.lambdaSecurityGroupId },
    database: { host: database.endpoint, port: database.port, name: database.databaseName, secretArn: database.masterSecretArn, kmsKeyArn: database.kmsKeyArn },
    redis: database.redis && {
      host: database.redis.primaryEndpoint,
      port: database.redis.port,
      authSecretArn: database.redis.authTokenSecretArn,
      kmsKeyArn: database.kmsKeyArn,
    },
    documents: { bucketName: documents.bucketName, bucketArn: documents.bucketArn, kmsKeyArn: documents.kmsKeyArn },
    auth: { issuerUrl: auth.issuerUrl, clientId: auth.clientId, userPoolId: auth.userPoolId, userPoolArn: auth.userPoolArn },
    mapsProvider: config.maps.provider,
    functions: config.functions,
    originVerify: config.edge.originVerify,
    drRegion,
    throttling: { rateLimit: config.api.throttlingRateLimit, burstLimit: config.api.throttlingBurstLimit },
    positionRetentionDays: config.positionRetentionDays,
    logRetentionDays: config.logRetentionDays,
  },
  opts,
);

const edge = new Edge(
  "edge",
  {
    namePrefix,
    apiEndpoint: api.apiEndpoint,
    apiOriginHeader: api.originVerifyHeader,
    usEast1: providerFor("us-east-1"),
    domain: config.edge.domain,
    // Rate limits are shares of the API's own throttling; batch routes keep their large bodies.
    waf: config.edge.waf ? { apiRateLimit: config.api.throttlingRateLimit, largeBodyPaths: api.largeBodyPathPatterns } : undefined,
    // The web app as `npm run build:web` builds it, unless the stack names another build.
    spaDirectory: config.edge.spaDirectory ? path.resolve(__dirname, config.edge.spaDirectory) : fs.existsSync(WEB_BUILD) ? WEB_BUILD : undefined,
    siteConfig: {
      apiBase: "",
      region: config.region,
      cognito: { authority: auth.issuerUrl, clientId: auth.clientId, domain: auth.hostedDomain },
      map: mapAccess && { styleUrl: mapAccess.styleUrl, identityPoolId: mapAccess.identityPoolId, loginProvider: mapAccess.loginProvider },
    },
    priceClass: config.edge.priceClass,
    logRetentionDays: config.logRetentionDays,
    // What the SPA talks to besides itself: Cognito, presigned document URLs and the map's tiles.
    connectOrigins: [
      pulumi.interpolate`https://cognito-idp.${config.region}.amazonaws.com`,
      pulumi.interpolate`https://${auth.hostedDomain}`,
      pulumi.interpolate`https://${documents.bucketName}.s3.${config.region}.amazonaws.com`,
      ...(mapAccess?.origins ?? []),
    ],
  },
  opts,
);
resolveSiteUrl(edge.siteUrl);
// Created after the Edge, whose URL the browser uploads come from.
documents.allowBrowserUploads([edge.siteUrl, ...config.documents.corsOrigins]);

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
    distributionId: edge.distributionId,
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
export const documentsBucket = {
  name: documents.bucketName,
  arn: documents.bucketArn,
  kmsKeyArn: documents.kmsKeyArn,
  replicaName: documents.replicaBucketName,
};
export const apiUrl = api.apiEndpoint;
export const apiId = api.apiId;
export const functionNames = api.functionNames;
export const cognito = { userPoolId: auth.userPoolId, clientId: auth.clientId, issuerUrl: auth.issuerUrl, hostedDomain: auth.hostedDomain };
export const mapIdentityPoolId = mapAccess?.identityPoolId;
export const dashboardName = observability.dashboardName;
export const alarmTopicArn = observability.alarmTopicArn;
export const siteUrl = edge.siteUrl;
export const cdn = { distributionId: edge.distributionId, domain: edge.distributionDomain, spaBucket: edge.spaBucketName };
