import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DB_DEFAULTS, postgresProblems } from "../rules/database";
import { DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS } from "../rules/logs";
import { InvalidArgsError, awsContext, createKey, serviceTrustPolicy } from "./common";

export interface PostgresArgs {
  /**
   * A Graviton instance class.
   * @example "db.r6g.large"
   */
  instanceClass: string;
  /**
   * Initial gp3 storage.
   * @default 20
   */
  allocatedStorageGb?: number;
  /**
   * Ceiling for storage autoscaling; omit to disable it.
   */
  maxAllocatedStorageGb?: number;
  /**
   * Standby in a second AZ with automatic failover.
   * @default false
   */
  multiAz?: boolean;
  /**
   * Days of automated backups (point-in-time recovery window).
   * @default 7
   */
  backupRetentionDays?: number;
  /**
   * Refuse deletion (RDS deletion protection).
   * @default false
   */
  deletionProtection?: boolean;
  /**
   * When the instance is deleted (or replaced, as in a restore), take a final
   * snapshot with a unique name and keep the automated backups.
   * @default true
   */
  finalSnapshot?: boolean;
  /**
   * Read replicas in the same region (the reference: "1 (optional)").
   * @default 0
   */
  readReplicas?: number;
  /**
   * Statements slower than this are logged (`log_min_duration_statement`).
   * @default 500
   */
  slowStatementMs?: number;
  /**
   * Sets `max_connections` explicitly; by default RDS derives it from the class.
   */
  maxConnections?: number;
  /**
   * Create the instance from this snapshot (disaster recovery: see the README's
   * runbook). Changing it replaces the instance; leave it set after a restore,
   * because clearing it replaces the instance again.
   */
  restoreFromSnapshot?: string;
  /**
   * Daily backup window, UTC. Must not overlap the maintenance window.
   * @default "20:30-21:30" (02:00–03:00 IST)
   */
  backupWindow?: string;
  /**
   * Weekly maintenance window, UTC.
   * @default "sun:22:00-sun:23:00" (Monday 03:30–04:30 IST)
   */
  maintenanceWindow?: string;
}

export interface RedisArgs {
  /**
   * @example "cache.t4g.medium"
   */
  nodeType: string;
  /**
   * Nodes in the replication group; two or more enable automatic failover across AZs.
   * @default 1
   */
  nodes?: number;
  /**
   * Days of daily snapshots kept; 0 disables them.
   * @default 0
   */
  snapshotRetentionDays?: number;
}

export interface DatabaseArgs {
  /** Prefix of every physical name. @example "tms-prod" */
  namePrefix: string;
  /** The Network's RDS subnet group (isolated subnets). */
  dbSubnetGroupName: pulumi.Input<string>;
  /** The security group that admits 5432 from the Lambdas only. */
  rdsSecurityGroupId: pulumi.Input<string>;
  /** The Network's ElastiCache subnet group (isolated subnets). */
  cacheSubnetGroupName: pulumi.Input<string>;
  /** The security group that admits 6379 from the Lambdas only. */
  redisSecurityGroupId: pulumi.Input<string>;
  postgres: PostgresArgs;
  /** Redis for sessions and caching; omit to run without it (the reference calls it optional). */
  redis?: RedisArgs;
  /** Retention of the database and cache log groups. @default 30 */
  logRetentionDays?: number;
  /**
   * Protect the key, instance and secrets from `pulumi destroy` and keep them if removed from the program.
   * @default false
   */
  protect?: boolean;
  /**
   * Disaster recovery in another region: RDS replicates the automated backups
   * there (kept as long as at home, so point-in-time recovery works there too),
   * and the Redis token's secret has a replica there, each under a key of that
   * region. The RDS-managed master secret cannot be replicated (Secrets Manager
   * refuses to replicate a secret another service manages); a restore there
   * creates its own. Omit for none.
   * @example { region: "ap-south-2", provider: apSouth2 }
   */
  drRegion?: { region: string; provider: aws.Provider };
}

type Normalized = Omit<DatabaseArgs, "postgres" | "redis"> & {
  postgres: Required<Omit<PostgresArgs, "maxAllocatedStorageGb" | "maxConnections" | "restoreFromSnapshot">> &
    Pick<PostgresArgs, "maxAllocatedStorageGb" | "maxConnections" | "restoreFromSnapshot">;
  redis?: Required<RedisArgs>;
  logRetentionDays: number;
  protect: boolean;
};

/** The keys whose value is not undefined, so defaults fill in the rest. */
const definedOnly = <T extends object>(value: T): Partial<T> => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

function normalize(args: DatabaseArgs): Normalized {
  const problems = postgresProblems(args.postgres).map((p) => ({ ...p, path: ["postgres", ...p.path] }));
  const logRetentionDays = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    problems.push({ path: ["logRetentionDays"], message: `expected a retention CloudWatch Logs accepts, got ${logRetentionDays}` });
  }
  if (problems.length > 0) throw new InvalidArgsError("tms:database:Database", problems);
  const pg = args.postgres;
  return {
    ...args,
    postgres: { ...DB_DEFAULTS, ...definedOnly(pg), instanceClass: pg.instanceClass },
    redis: args.redis && { nodeType: args.redis.nodeType, nodes: args.redis.nodes ?? 1, snapshotRetentionDays: args.redis.snapshotRetentionDays ?? 0 },
    logRetentionDays,
    protect: args.protect ?? false,
  };
}

/**
 * The TMS data stores: RDS PostgreSQL 15 (KMS-encrypted, TLS forced, master
 * password managed by RDS in Secrets Manager) and, optionally, an encrypted
 * ElastiCache Redis with an AUTH token kept in Secrets Manager. One
 * customer-managed key encrypts both.
 */
export class Database extends pulumi.ComponentResource {
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly instanceIdentifier: pulumi.Output<string>;
  public readonly endpoint: pulumi.Output<string>;
  /** The first read replica's address, or the primary's when there is none. */
  public readonly readerEndpoint: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  public readonly databaseName: pulumi.Output<string>;
  /** The RDS-managed master credentials (JSON username/password). */
  public readonly masterSecretArn: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  public readonly redis?: {
    replicationGroupId: pulumi.Output<string>;
    primaryEndpoint: pulumi.Output<string>;
    readerEndpoint: pulumi.Output<string>;
    port: pulumi.Output<number>;
    authTokenSecretArn: pulumi.Output<string>;
  };

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tms:database:Database", name, {}, opts);
    const a = normalize(args);
    // Stateful resources: guarded against `pulumi destroy` and kept if dropped from the program.
    const stateful: pulumi.CustomResourceOptions = { parent: this, protect: a.protect, retainOnDelete: a.protect };

    const key = createKey(
      `${name}-key`,
      { description: `${a.namePrefix} data stores: RDS storage, Performance Insights, Redis, their secrets`, alias: `${a.namePrefix}-data` },
      stateful,
    );
    this.kmsKeyArn = key.arn;

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-postgres-logs`,
      { name: `/aws/rds/instance/${a.namePrefix}-db/postgresql`, retentionInDays: a.logRetentionDays },
      { parent: this },
    );
    this.logGroupName = logGroup.name;

    const primary = this.createPostgres(name, a, key, logGroup, stateful);
    const replicas = this.createReadReplicas(name, a, key, primary);
    this.instanceIdentifier = primary.identifier;
    this.endpoint = primary.address;
    this.readerEndpoint = replicas[0]?.address ?? primary.address;
    this.port = primary.port;
    this.databaseName = primary.dbName;
    this.masterSecretArn = primary.masterUserSecrets.apply((secrets) => secrets[0]?.secretArn);

    const drKey = a.drRegion && this.createDrKey(name, a, a.drRegion);
    if (a.drRegion && drKey) this.replicateBackups(name, a, a.drRegion, primary, drKey);
    if (a.redis) this.redis = this.createRedis(name, a, a.redis, key, stateful, a.drRegion && drKey && { region: a.drRegion.region, key: drKey });

    this.registerOutputs({
      kmsKeyArn: this.kmsKeyArn,
      instanceIdentifier: this.instanceIdentifier,
      endpoint: this.endpoint,
      readerEndpoint: this.readerEndpoint,
      port: this.port,
      masterSecretArn: this.masterSecretArn,
      redis: this.redis,
    });
  }

  private createPostgres(name: string, a: Normalized, key: aws.kms.Key, logGroup: aws.cloudwatch.LogGroup, stateful: pulumi.CustomResourceOptions) {
    const pg = a.postgres;
    const parameters = new aws.rds.ParameterGroup(
      `${name}-postgres`,
      {
        name: `${a.namePrefix}-postgres15`,
        family: "postgres15",
        description: `${a.namePrefix}: TLS 1.2+ only, slow statements logged`,
        parameters: [
          // TLS for every connection, 1.2 at least (the reference: "Transit: TLS 1.2+").
          { name: "rds.force_ssl", value: "1" },
          { name: "ssl_min_protocol_version", value: "TLSv1.2" },
          { name: "log_min_duration_statement", value: String(pg.slowStatementMs) },
          ...(pg.maxConnections ? [{ name: "max_connections", value: String(pg.maxConnections), applyMethod: "pending-reboot" }] : []),
        ],
      },
      { parent: this },
    );

    const { accountId } = awsContext(this);
    const monitoringRole = new aws.iam.Role(
      `${name}-monitoring`,
      {
        name: `${a.namePrefix}-rds-monitoring`,
        description: "Lets RDS enhanced monitoring publish OS metrics",
        assumeRolePolicy: serviceTrustPolicy("monitoring.rds.amazonaws.com", accountId),
      },
      { parent: this },
    );
    const monitoringPolicy = new aws.iam.RolePolicyAttachment(
      `${name}-monitoring`,
      { role: monitoringRole.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole" },
      { parent: this },
    );

    // A stable, unique name for the snapshot taken if the instance is ever deleted.
    const finalSnapshotSuffix = new random.RandomId(`${name}-final-snapshot`, { byteLength: 4 }, { parent: this });

    return new aws.rds.Instance(
      `${name}-postgres`,
      {
        identifier: `${a.namePrefix}-db`,
        engine: "postgres",
        // Major version pinned; RDS applies minor upgrades in the maintenance window.
        engineVersion: "15",
        autoMinorVersionUpgrade: true,
        allowMajorVersionUpgrade: false,
        instanceClass: pg.instanceClass,
        storageType: "gp3",
        allocatedStorage: pg.allocatedStorageGb,
        maxAllocatedStorage: pg.maxAllocatedStorageGb,
        storageEncrypted: true,
        kmsKeyId: key.arn,
        // A restored instance takes its database and master user from the snapshot.
        snapshotIdentifier: pg.restoreFromSnapshot,
        dbName: pg.restoreFromSnapshot ? undefined : "tms",
        username: pg.restoreFromSnapshot ? undefined : "tms_admin",
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: key.arn,
        iamDatabaseAuthenticationEnabled: true,
        dbSubnetGroupName: a.dbSubnetGroupName,
        vpcSecurityGroupIds: [a.rdsSecurityGroupId],
        publiclyAccessible: false,
        multiAz: pg.multiAz,
        parameterGroupName: parameters.name,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        backupRetentionPeriod: pg.backupRetentionDays,
        backupWindow: pg.backupWindow,
        maintenanceWindow: pg.maintenanceWindow,
        copyTagsToSnapshot: true,
        deletionProtection: pg.deletionProtection,
        deleteAutomatedBackups: !pg.finalSnapshot,
        skipFinalSnapshot: !pg.finalSnapshot,
        finalSnapshotIdentifier: pg.finalSnapshot ? pulumi.interpolate`${a.namePrefix}-db-final-${finalSnapshotSuffix.hex}` : undefined,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: key.arn,
        performanceInsightsRetentionPeriod: 7,
        monitoringInterval: 60,
        monitoringRoleArn: monitoringRole.arn,
        enabledCloudwatchLogsExports: ["postgresql"],
        // A guarded (protected) environment waits for the maintenance window.
        applyImmediately: !a.protect,
      },
      // The log group must exist first, or RDS creates it without retention.
      // The identifier is fixed, so a replacement must delete the old instance first.
      { ...stateful, dependsOn: [logGroup, monitoringPolicy], deleteBeforeReplace: true },
    );
  }

  private createReadReplicas(name: string, a: Normalized, key: aws.kms.Key, primary: aws.rds.Instance) {
    return Array.from(
      { length: a.postgres.readReplicas },
      (_, i) =>
        new aws.rds.Instance(
          `${name}-postgres-replica-${i + 1}`,
          {
            identifier: `${a.namePrefix}-db-replica-${i + 1}`,
            replicateSourceDb: primary.identifier,
            instanceClass: a.postgres.instanceClass,
            storageType: "gp3",
            storageEncrypted: true,
            kmsKeyId: key.arn,
            vpcSecurityGroupIds: [a.rdsSecurityGroupId],
            publiclyAccessible: false,
            parameterGroupName: primary.parameterGroupName,
            iamDatabaseAuthenticationEnabled: true,
            autoMinorVersionUpgrade: true,
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: key.arn,
            monitoringInterval: 60,
            monitoringRoleArn: primary.monitoringRoleArn,
            skipFinalSnapshot: true,
            backupRetentionPeriod: 0,
          },
          { parent: this },
        ),
    );
  }

  /** The key that encrypts the replicated backups and secret replicas in the DR region (KMS keys never leave their region). */
  private createDrKey(name: string, a: Normalized, dr: NonNullable<DatabaseArgs["drRegion"]>) {
    return createKey(
      `${name}-dr-key`,
      { description: `${a.namePrefix} data stores' disaster-recovery copies (${dr.region})`, alias: `${a.namePrefix}-data-dr` },
      { parent: this, provider: dr.provider, protect: a.protect, retainOnDelete: a.protect },
    );
  }

  /** RDS copies every automated backup and its transaction logs to the DR region, for restore or point-in-time recovery there. */
  private replicateBackups(name: string, a: Normalized, dr: NonNullable<DatabaseArgs["drRegion"]>, primary: aws.rds.Instance, key: aws.kms.Key) {
    return new aws.rds.InstanceAutomatedBackupsReplication(
      `${name}-backups-${dr.region}`,
      { sourceDbInstanceArn: primary.arn, kmsKeyId: key.arn, retentionPeriod: a.postgres.backupRetentionDays },
      // Created in the destination region, as the API requires.
      { parent: this, provider: dr.provider },
    );
  }

  private createRedis(
    name: string,
    a: Normalized,
    redis: Required<RedisArgs>,
    key: aws.kms.Key,
    stateful: pulumi.CustomResourceOptions,
    dr?: { region: string; key: aws.kms.Key },
  ) {
    // ElastiCache accepts 16–128 printable characters with only these symbols.
    const authToken = new random.RandomPassword(
      `${name}-redis-auth`,
      { length: 64, special: true, overrideSpecial: "!&#$^<>-", minLower: 4, minUpper: 4, minNumeric: 4, minSpecial: 2 },
      { parent: this },
    );
    const secret = new aws.secretsmanager.Secret(
      `${name}-redis-auth`,
      {
        name: `${a.namePrefix}/redis/auth-token`,
        description: `${a.namePrefix}: AUTH token of the Redis replication group`,
        kmsKeyId: key.arn,
        recoveryWindowInDays: a.protect ? 30 : 0,
        replicas: dr && [{ region: dr.region, kmsKeyId: dr.key.arn }],
      },
      stateful,
    );
    new aws.secretsmanager.SecretVersion(`${name}-redis-auth`, { secretId: secret.id, secretString: authToken.result }, { parent: this });

    const slowLog = new aws.cloudwatch.LogGroup(
      `${name}-redis-slow-log`,
      { name: `/aws/elasticache/${a.namePrefix}-redis/slow-log`, retentionInDays: a.logRetentionDays },
      { parent: this },
    );
    const failover = redis.nodes > 1;
    const group = new aws.elasticache.ReplicationGroup(
      `${name}-redis`,
      {
        replicationGroupId: `${a.namePrefix}-redis`,
        description: `${a.namePrefix}: sessions and caching`,
        engine: "redis",
        engineVersion: "7.1",
        nodeType: redis.nodeType,
        numCacheClusters: redis.nodes,
        automaticFailoverEnabled: failover,
        multiAzEnabled: failover,
        port: 6379,
        subnetGroupName: a.cacheSubnetGroupName,
        securityGroupIds: [a.redisSecurityGroupId],
        atRestEncryptionEnabled: true,
        kmsKeyId: key.arn,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authToken: authToken.result,
        snapshotRetentionLimit: redis.snapshotRetentionDays,
        snapshotWindow: "21:30-22:30",
        maintenanceWindow: "sun:23:00-mon:00:00",
        autoMinorVersionUpgrade: true,
        logDeliveryConfigurations: [{ destinationType: "cloudwatch-logs", destination: slowLog.name, logFormat: "json", logType: "slow-log" }],
      },
      stateful,
    );
    return {
      replicationGroupId: group.replicationGroupId,
      primaryEndpoint: group.primaryEndpointAddress,
      readerEndpoint: group.readerEndpointAddress,
      port: group.port.apply((p) => p ?? 6379),
      authTokenSecretArn: secret.arn,
    };
  }
}
