import { strict as assert } from "assert";
import { connectionDemand, defaultMaxConnections } from "../rules/database";
import { T, PlanResource, StackRun, policyJson, runStack } from "./harness";

/** The companion of `bucket` of a type, linked the way the engine links it. */
const companion = (run: StackRun, type: string, bucket: PlanResource) => {
  const found = run.byType(type).filter((r) => (r.propertyDependencies.bucket ?? []).includes(bucket.urn));
  assert.equal(found.length, 1, `${bucket.name} has ${found.length} ${type}`);
  return found[0];
};

const PROD = { instanceClass: "db.r6g.large", storage: 100, multiAz: true, backups: 30, protect: true, redisNodes: 2, snapshots: 7 };
const DEV = { instanceClass: "db.t4g.micro", storage: 20, multiAz: false, backups: 1, protect: false, redisNodes: 1, snapshots: 0 };

for (const [stack, want] of [
  ["prod", PROD],
  ["dev", DEV],
] as const) {
  describe(`Database (${stack})`, () => {
    let run: StackRun;
    let db: PlanResource;
    let key: PlanResource;
    before(async () => {
      run = await runStack(stack);
      db = run.find(T.db);
      key = run.find(T.key, "database-key");
    });

    it("is one PostgreSQL 15 instance, major pinned and minor upgrades on", () => {
      assert.equal(db.inputs.identifier, `tms-${stack}-db`);
      assert.equal(db.inputs.engine, "postgres");
      assert.equal(db.inputs.engineVersion, "15");
      assert.equal(db.inputs.autoMinorVersionUpgrade, true);
      assert.equal(db.inputs.allowMajorVersionUpgrade, false);
      assert.equal(run.byUrn(db.parent!).type, "tms:database:Database");
    });

    it(`sizes it as ${stack} (${want.instanceClass}, ${want.storage} GB gp3, Multi-AZ ${want.multiAz})`, () => {
      assert.equal(db.inputs.instanceClass, want.instanceClass);
      assert.equal(db.inputs.allocatedStorage, want.storage);
      assert.equal(db.inputs.storageType, "gp3");
      assert.equal(db.inputs.multiAz, want.multiAz);
    });

    it("sits in the isolated subnet group behind the rds group only, never public", () => {
      assert.equal(db.inputs.dbSubnetGroupName, `tms-${stack}-db`);
      assert.deepEqual(db.propertyDependencies.dbSubnetGroupName, [run.find("aws:rds/subnetGroup:SubnetGroup").urn]);
      assert.deepEqual(db.inputs.vpcSecurityGroupIds, [run.find("aws:ec2/securityGroup:SecurityGroup", "network-rds").id]);
      assert.equal(db.inputs.publiclyAccessible, false);
    });

    it("encrypts storage and Performance Insights with one rotating customer key", () => {
      assert.equal(key.inputs.enableKeyRotation, true);
      const keyArn = `arn:aws:kms:ap-south-1:123456789012:key/${key.id}`;
      assert.equal(db.inputs.storageEncrypted, true);
      assert.equal(db.inputs.kmsKeyId, keyArn);
      assert.deepEqual(db.propertyDependencies.kmsKeyId, [key.urn]);
      assert.equal(db.inputs.performanceInsightsEnabled, true);
      assert.equal(db.inputs.performanceInsightsKmsKeyId, keyArn);
    });

    it(`keeps ${want.backups} days of backups in windows that do not overlap, tags copied to snapshots`, () => {
      assert.equal(db.inputs.backupRetentionPeriod, want.backups);
      assert.equal(db.inputs.backupWindow, "20:30-21:30");
      assert.equal(db.inputs.maintenanceWindow, "sun:22:00-sun:23:00");
      assert.equal(db.inputs.copyTagsToSnapshot, true);
    });

    if (want.protect) {
      it("refuses deletion and takes a uniquely named final snapshot", () => {
        assert.equal(db.inputs.deletionProtection, true);
        assert.equal(db.inputs.skipFinalSnapshot, false);
        assert.equal(db.inputs.finalSnapshotIdentifier, `tms-${stack}-db-final-0a1b2c3d`);
        assert.deepEqual(db.propertyDependencies.finalSnapshotIdentifier, [run.find("random:index/randomId:RandomId").urn]);
        assert.equal(db.inputs.deleteAutomatedBackups, false);
        assert.equal(db.inputs.applyImmediately, false, "prod changes wait for the maintenance window");
      });
    } else {
      it("skips the final snapshot and deletion protection, so the stack tears down", () => {
        assert.equal(db.inputs.deletionProtection, false);
        assert.equal(db.inputs.skipFinalSnapshot, true);
        assert.equal(db.inputs.deleteAutomatedBackups, true);
        assert.equal(db.inputs.finalSnapshotIdentifier, undefined);
        assert.equal(db.inputs.applyImmediately, true);
      });
    }

    it("runs enhanced monitoring under its own role", () => {
      assert.equal(db.inputs.monitoringInterval, 60);
      const role = run.find(T.role, "database-monitoring");
      assert.deepEqual(db.propertyDependencies.monitoringRoleArn, [role.urn]);
      assert.deepEqual(
        policyJson(role.inputs.assumeRolePolicy).Statement.map((s) => s.Principal),
        [{ Service: "monitoring.rds.amazonaws.com" }],
      );
      const attachment = run.find("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "database-monitoring");
      assert.equal(attachment.inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
      assert.deepEqual(attachment.propertyDependencies.role, [role.urn]);
    });

    it("uses a postgres15 parameter group that forces TLS and logs slow statements", () => {
      const params = run.find(T.params);
      assert.equal(params.inputs.family, "postgres15");
      assert.deepEqual(params.inputs.parameters, [
        { name: "rds.force_ssl", value: "1" },
        { name: "ssl_min_protocol_version", value: "TLSv1.2" },
        { name: "log_min_duration_statement", value: "500" },
      ]);
      assert.deepEqual(db.propertyDependencies.parameterGroupName, [params.urn]);
    });

    it("exports PostgreSQL logs to the reference's log group, created first with retention", () => {
      const logs = run.find(T.logGroup, "database-postgres-logs");
      assert.equal(logs.inputs.name, `/aws/rds/instance/tms-${stack}-db/postgresql`);
      assert.equal(logs.inputs.retentionInDays, stack === "prod" ? 365 : 14);
      assert.deepEqual(db.inputs.enabledCloudwatchLogsExports, ["postgresql"]);
      assert.ok(db.dependencies.includes(logs.urn));
    });

    it("lets RDS manage the master password in Secrets Manager under the same key; no password in config or state", () => {
      assert.equal(db.inputs.manageMasterUserPassword, true);
      assert.equal(db.inputs.masterUserSecretKmsKeyId, `arn:aws:kms:ap-south-1:123456789012:key/${key.id}`);
      assert.equal(db.inputs.password, undefined);
      assert.equal(db.inputs.iamDatabaseAuthenticationEnabled, true);
    });

    it(`runs Redis with ${want.redisNodes} node(s), encrypted at rest and in transit (required)`, () => {
      const redis = run.find(T.redis);
      assert.equal(redis.inputs.replicationGroupId, `tms-${stack}-redis`);
      assert.equal(redis.inputs.numCacheClusters, want.redisNodes);
      assert.equal(redis.inputs.automaticFailoverEnabled, want.redisNodes > 1);
      assert.equal(redis.inputs.multiAzEnabled, want.redisNodes > 1);
      assert.equal(redis.inputs.atRestEncryptionEnabled, true);
      assert.equal(redis.inputs.transitEncryptionEnabled, true);
      assert.equal(redis.inputs.transitEncryptionMode, "required");
      assert.equal(redis.inputs.subnetGroupName, `tms-${stack}-redis`);
      assert.deepEqual(redis.inputs.securityGroupIds, [run.find("aws:ec2/securityGroup:SecurityGroup", "network-redis").id]);
      assert.equal(redis.inputs.snapshotRetentionLimit, want.snapshots);
      const slowLog = run.find(T.logGroup, "database-redis-slow-log");
      assert.deepEqual(redis.inputs.logDeliveryConfigurations, [
        { destinationType: "cloudwatch-logs", destination: slowLog.inputs.name, logFormat: "json", logType: "slow-log" },
      ]);
    });

    it("generates the AUTH token with ElastiCache's characters and keeps it secret, in a KMS-encrypted secret", () => {
      const password = run.find(T.password, "database-redis-auth");
      assert.equal(password.inputs.overrideSpecial, "!&#$^<>-");
      assert.ok(Number(password.inputs.length) >= 16 && Number(password.inputs.length) <= 128);
      const redis = run.find(T.redis);
      assert.equal(redis.inputs.authToken, "[secret]");
      assert.deepEqual(redis.propertyDependencies.authToken, [password.urn]);
      const secret = run.find(T.secret, "database-redis-auth");
      assert.equal(secret.inputs.kmsKeyId, `arn:aws:kms:ap-south-1:123456789012:key/${key.id}`);
      const version = run.find(T.secretVersion, "database-redis-auth");
      assert.equal(version.inputs.secretString, "[secret]");
      assert.ok(!JSON.stringify(run.resources).includes("mock-password"), "a generated secret leaked into the plan");
    });

    it("exports endpoints, ports, secret ARNs, the key ARN and the instance identifier", () => {
      const postgres = run.outputs.postgres as Record<string, unknown>;
      assert.equal(postgres.endpoint, `tms-${stack}-db.abcdefghijkl.ap-south-1.rds.amazonaws.com`);
      assert.equal(postgres.readerEndpoint, postgres.endpoint, "no replica: readers use the primary");
      assert.equal(postgres.port, 5432);
      assert.equal(postgres.instanceIdentifier, `tms-${stack}-db`);
      assert.match(String(postgres.masterSecretArn), /^arn:aws:secretsmanager:ap-south-1:123456789012:secret:rds!db-/);
      assert.equal(postgres.kmsKeyArn, `arn:aws:kms:ap-south-1:123456789012:key/${key.id}`);
      const redis = run.outputs.redis as Record<string, unknown>;
      assert.match(String(redis.primaryEndpoint), /^master\./);
      assert.match(String(redis.readerEndpoint), /^replica\./);
      assert.equal(redis.port, 6379);
      assert.match(String(redis.authTokenSecretArn), new RegExp(`secret:tms-${stack}/redis/auth-token`));
    });

    it(`${want.protect ? "protects" : "does not protect"} the stateful resources`, () => {
      for (const resource of [
        db,
        key,
        run.find(T.redis),
        run.find(T.secret, "database-redis-auth"),
        run.find(T.key, "documents-key"),
        run.find(T.bucket, "documents-bucket"),
      ]) {
        const { protect, retainOnDelete } = run.optionsOf(resource);
        assert.deepEqual({ protect, retainOnDelete }, { protect: want.protect, retainOnDelete: want.protect }, resource.name);
      }
    });
  });

  describe(`DocumentStore (${stack})`, () => {
    let run: StackRun;
    let bucket: PlanResource;
    before(async () => {
      run = await runStack(stack);
      bucket = run.find(T.bucket, "documents-bucket");
    });

    it("names the bucket uniquely per account", () => {
      assert.equal(bucket.inputs.bucket, `tms-${stack}-documents-123456789012`);
      assert.equal(run.byUrn(bucket.parent!).type, "tms:storage:DocumentStore");
    });

    it("versions, encrypts with SSE-KMS and a bucket key, blocks public access, disables ACLs, denies non-TLS", () => {
      assert.deepEqual(companion(run, T.versioning, bucket).inputs.versioningConfiguration, { status: "Enabled" });
      const key = run.find(T.key, "documents-key");
      assert.equal(key.inputs.enableKeyRotation, true);
      const sse = companion(run, T.sse, bucket);
      assert.deepEqual(sse.inputs.rules, [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: `arn:aws:kms:ap-south-1:123456789012:key/${key.id}` },
          bucketKeyEnabled: true,
        },
      ]);
      const pab = companion(run, T.pab, bucket);
      for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(pab.inputs[flag], true, flag);
      assert.deepEqual(companion(run, T.ownership, bucket).inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
      const [deny] = policyJson(companion(run, T.bucketPolicy, bucket).inputs.policy).Statement;
      assert.deepEqual(deny, {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::tms-${stack}-documents-123456789012`, `arn:aws:s3:::tms-${stack}-documents-123456789012/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    });

    it("applies the reference's lifecycle: Intelligent-Tiering, Glacier (Instant Retrieval) after 90 days, old versions gone after 30", () => {
      const rules = companion(run, T.lifecycle, bucket).inputs.rules as any[];
      const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
      assert.deepEqual(byId["tiering-and-archive"].transitions, [
        { days: 0, storageClass: "INTELLIGENT_TIERING" },
        { days: 90, storageClass: "GLACIER_IR" },
      ]);
      assert.deepEqual(byId["expire-old-versions"].noncurrentVersionExpiration, { noncurrentDays: 30 });
      assert.deepEqual(byId["abort-incomplete-uploads"].abortIncompleteMultipartUpload, { daysAfterInitiation: 7 });
      assert.ok(rules.every((r) => r.status === "Enabled"));
      assert.ok(companion(run, T.lifecycle, bucket).dependencies.includes(companion(run, T.versioning, bucket).urn));
    });

    it("exports bucket names and ARNs and the key ARN", () => {
      const out = run.outputs.documentsBucket as Record<string, unknown>;
      assert.equal(out.name, `tms-${stack}-documents-123456789012`);
      assert.equal(out.arn, `arn:aws:s3:::tms-${stack}-documents-123456789012`);
      assert.match(String(out.kmsKeyArn), /^arn:aws:kms:ap-south-1:/);
    });
  });
}

describe("DocumentStore replica (prod)", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack("prod");
  });

  it("copies every document to a bucket in ap-south-2, through a provider for that region", () => {
    const replica = run.find(T.bucket, "documents-replica");
    assert.equal(replica.inputs.bucket, "tms-prod-documents-replica-123456789012");
    assert.equal(run.providerOf(replica)?.inputs.region, "ap-south-2");
    assert.equal((run.outputs.documentsBucket as Record<string, unknown>).replicaName, "tms-prod-documents-replica-123456789012");
  });

  it("gives the replica its own rotating key, versioning and public-access blocks", () => {
    const replica = run.find(T.bucket, "documents-replica");
    const key = run.find(T.key, "documents-replica-key");
    assert.equal(key.inputs.enableKeyRotation, true);
    assert.equal(run.providerOf(key)?.inputs.region, "ap-south-2");
    assert.deepEqual(companion(run, T.versioning, replica).inputs.versioningConfiguration, { status: "Enabled" });
    assert.equal(companion(run, T.pab, replica).inputs.restrictPublicBuckets, true);
    assert.deepEqual(companion(run, T.sse, replica).propertyDependencies.rules, [key.urn]);
  });

  it("replicates delete markers and KMS-encrypted objects, after versioning is on at both ends", () => {
    const source = run.find(T.bucket, "documents-bucket");
    const replica = run.find(T.bucket, "documents-replica");
    const config = companion(run, T.replication, source);
    const [rule] = config.inputs.rules as any[];
    assert.equal(rule.status, "Enabled");
    assert.deepEqual(rule.deleteMarkerReplication, { status: "Enabled" });
    assert.deepEqual(rule.sourceSelectionCriteria, { sseKmsEncryptedObjects: { status: "Enabled" } });
    assert.equal(rule.destination.bucket, "arn:aws:s3:::tms-prod-documents-replica-123456789012");
    assert.match(rule.destination.encryptionConfiguration.replicaKmsKeyId, /^arn:aws:kms:ap-south-2:/);
    for (const bucket of [source, replica])
      assert.ok(config.dependencies.includes(companion(run, T.versioning, bucket).urn), `waits for ${bucket.name}'s versioning`);
  });

  it("replicates under a role that can only replicate these two buckets with these two keys", () => {
    const role = run.find(T.role, "documents-replication");
    assert.deepEqual(
      policyJson(role.inputs.assumeRolePolicy).Statement.map((s) => s.Principal),
      [{ Service: "s3.amazonaws.com" }],
    );
    const config = companion(run, T.replication, run.find(T.bucket, "documents-bucket"));
    assert.deepEqual(config.propertyDependencies.role, [role.urn]);
    const statements = policyJson(run.find("aws:iam/rolePolicy:RolePolicy", "documents-replication").inputs.policy).Statement;
    const resources = statements.flatMap((s) => [s.Resource].flat());
    const allowed = [
      "arn:aws:s3:::tms-prod-documents-123456789012",
      "arn:aws:s3:::tms-prod-documents-123456789012/*",
      "arn:aws:s3:::tms-prod-documents-replica-123456789012/*",
      `arn:aws:kms:ap-south-1:123456789012:key/${run.find(T.key, "documents-key").id}`,
      `arn:aws:kms:ap-south-2:123456789012:key/${run.find(T.key, "documents-replica-key").id}`,
    ];
    assert.deepEqual([...new Set(resources)].sort(), allowed.sort());
    const actions = statements.flatMap((s) => [s.Action].flat());
    assert.ok(
      actions.every((a) => /^s3:(Get|List|Replicate)|^kms:(Decrypt|Encrypt|GenerateDataKey)$/.test(a)),
      actions.join(", "),
    );
  });
});

/**
 * What S3 does with a GET of an object in each storage class: Glacier Flexible
 * Retrieval and Deep Archive answer 403 InvalidObjectState until the object is
 * restored; the others serve it at once. (Intelligent-Tiering's archive tiers
 * also need a restore, but only when a bucket opts into them.)
 */
const SERVES_GET_AT_ONCE: Record<string, boolean> = {
  STANDARD: true,
  STANDARD_IA: true,
  ONEZONE_IA: true,
  INTELLIGENT_TIERING: true,
  GLACIER_IR: true,
  GLACIER: false,
  DEEP_ARCHIVE: false,
};

describe("who opened which document", () => {
  it("prod: CloudTrail records every read and write of a document in a trail of its own, validated, KMS-encrypted, kept 365 days", async () => {
    const run = await runStack("prod");
    const trail = run.find("aws:cloudtrail/trail:Trail");
    const documents = run.find(T.bucket, "documents-bucket");
    assert.equal(trail.inputs.name, "tms-prod-documents-access");
    assert.equal(trail.inputs.enableLogFileValidation, true);
    assert.equal(trail.inputs.isMultiRegionTrail, false);
    const [selector] = trail.inputs.advancedEventSelectors as any[];
    assert.deepEqual(selector.fieldSelectors, [
      { field: "eventCategory", equals: ["Data"] },
      { field: "resources.type", equals: ["AWS::S3::Object"] },
      { field: "resources.ARN", startsWiths: ["arn:aws:s3:::tms-prod-documents-123456789012/"] },
    ]);
    assert.deepEqual(trail.propertyDependencies.advancedEventSelectors, [documents.urn]);
    const logs = run.find(T.bucket, "documents-audit");
    assert.deepEqual(trail.propertyDependencies.s3BucketName, [logs.urn]);
    const statements = policyJson(companion(run, "aws:s3/bucketPolicy:BucketPolicy", logs).inputs.policy).Statement;
    const writes = statements.find((st) => st.Sid === "CloudTrailWrites")!;
    assert.deepEqual(writes.Principal, { Service: "cloudtrail.amazonaws.com" });
    assert.equal(writes.Condition.StringEquals["aws:SourceArn"], "arn:aws:cloudtrail:ap-south-1:123456789012:trail/tms-prod-documents-access");
    assert.ok(trail.dependencies.includes(companion(run, "aws:s3/bucketPolicy:BucketPolicy", logs).urn), "the trail waits for the bucket policy");
    const keyStatements = policyJson(run.find(T.key, "documents-audit-key").inputs.policy).Statement;
    assert.ok(keyStatements.some((st) => st.Principal?.Service === "cloudtrail.amazonaws.com" && st.Action === "kms:GenerateDataKey*"));
    assert.equal((companion(run, T.lifecycle, logs).inputs.rules as any[])[0].expiration.days, 365);
  });

  it("dev has no trail (billed per event)", async () => {
    assert.deepEqual((await runStack("dev")).byType("aws:cloudtrail/trail:Trail"), []);
  });
});

describe("disaster recovery across regions", () => {
  it("prod: RDS replicates its automated backups to ap-south-2 under a key there, kept as long as at home", async () => {
    const run = await runStack("prod");
    const replication = run.find("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication");
    assert.equal(run.providerOf(replication)?.inputs.region, "ap-south-2", "created in the destination region, as the API requires");
    assert.equal(replication.inputs.sourceDbInstanceArn, "arn:aws:rds:ap-south-1:123456789012:db:tms-prod-db");
    assert.equal(replication.inputs.retentionPeriod, 30);
    const drKey = run.find(T.key, "database-dr-key");
    assert.equal(run.providerOf(drKey)?.inputs.region, "ap-south-2");
    assert.equal(drKey.inputs.enableKeyRotation, true);
    assert.match(String(replication.inputs.kmsKeyId), /^arn:aws:kms:ap-south-2:/);
    assert.deepEqual(replication.propertyDependencies.kmsKeyId, [drKey.urn]);
  });

  it("prod: every customer-managed secret has a replica in ap-south-2 under a key of that region; the RDS-managed one is RDS's", async () => {
    const run = await runStack("prod");
    const ours = run.byType(T.secret);
    assert.deepEqual(ours.map((s) => s.name).sort(), ["api-origin-verify", "database-redis-auth"]);
    for (const secret of ours) {
      const [replica] = secret.inputs.replicas as any[];
      assert.equal(replica.region, "ap-south-2", secret.name);
      assert.match(replica.kmsKeyId, /^arn:aws:kms:ap-south-2:/, secret.name);
    }
    assert.equal(
      run.find("aws:rds/instance:Instance", "database-postgres").inputs.manageMasterUserPassword,
      true,
      "RDS manages the master secret (not replicable; a restore creates its own)",
    );
  });

  it("dev has none of it", async () => {
    const dev = await runStack("dev");
    assert.deepEqual(dev.byType("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"), []);
    assert.ok(dev.byType(T.secret).every((s) => s.inputs.replicas === undefined));
    assert.ok(dev.resources.every((r) => dev.providerOf(r)?.inputs.region !== "ap-south-2"));
  });
});

describe("documents stay readable through presigned links, in both regions", () => {
  for (const stack of ["prod", "dev"]) {
    it(`${stack}: every storage class a document can reach serves a GET without a restore`, async () => {
      const run = await runStack(stack);
      const classes = [
        ...run
          .byType(T.lifecycle)
          .filter((l) => /^documents/.test(l.name))
          .flatMap((l) => (l.inputs.rules as any[]).flatMap((r) => (r.transitions ?? []).map((t: any) => t.storageClass))),
        ...run.byType(T.replication).flatMap((c) => (c.inputs.rules as any[]).map((r) => r.destination.storageClass ?? "STANDARD")),
      ];
      assert.ok(classes.length > 0);
      for (const storageClass of classes)
        assert.equal(SERVES_GET_AT_ONCE[storageClass], true, `${storageClass} would need a restore before a presigned GET works`);
      assert.equal(run.byType("aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration").length, 0, "no opt-in archive tiers");
    });
  }

  it("the replica lands in Standard-IA, tiers like the primary and keeps old versions 90 days, not forever", async () => {
    const run = await runStack("prod");
    const [rule] = companion(run, T.replication, run.find(T.bucket, "documents-bucket")).inputs.rules as any[];
    assert.equal(rule.destination.storageClass, "STANDARD_IA");
    const replica = run.find(T.bucket, "documents-replica");
    const lifecycle = companion(run, T.lifecycle, replica);
    assert.equal(run.providerOf(lifecycle)?.inputs.region, "ap-south-2");
    const byId = Object.fromEntries((lifecycle.inputs.rules as any[]).map((r) => [r.id, r]));
    assert.deepEqual(byId["expire-old-versions"].noncurrentVersionExpiration, { noncurrentDays: 90 });
    assert.deepEqual(
      byId["tiering-and-archive"].transitions.map((t: any) => t.storageClass),
      ["INTELLIGENT_TIERING", "GLACIER_IR"],
    );
    assert.ok(lifecycle.dependencies.includes(companion(run, T.versioning, replica).urn));
  });
});

describe("data layer variants and startup checks", () => {
  it("dev has no replica and lets the site and the local SPA upload; prod lets the site alone", async () => {
    const dev = await runStack("dev");
    assert.equal(dev.byType(T.replication).length, 0);
    const [cors] = dev.byType(T.cors);
    assert.deepEqual((cors.inputs.corsRules as any[])[0].allowedOrigins, [dev.outputs.siteUrl, "http://localhost:5173"]);
    assert.deepEqual((cors.inputs.corsRules as any[])[0].allowedMethods, ["PUT", "GET", "HEAD"]);
    const prod = await runStack("prod");
    assert.deepEqual((prod.find(T.cors).inputs.corsRules as any[])[0].allowedOrigins, [prod.outputs.siteUrl]);
  });

  it("adds a read replica when configured, and readers use it", async () => {
    const run = await runStack("prod", { "tms:database": { readReplicas: 1 } });
    const replica = run.find(T.db, "database-postgres-replica-1");
    assert.equal(replica.inputs.replicateSourceDb, "tms-prod-db");
    assert.deepEqual(replica.propertyDependencies.replicateSourceDb, [run.find(T.db, "database-postgres").urn]);
    assert.equal(replica.inputs.publiclyAccessible, false);
    assert.equal((run.outputs.postgres as Record<string, unknown>).readerEndpoint, "tms-prod-db-replica-1.abcdefghijkl.ap-south-1.rds.amazonaws.com");
  });

  it("runs without Redis when the cache is disabled", async () => {
    const run = await runStack("dev", { "tms:cache": { enabled: false, nodeType: undefined, nodes: undefined, snapshotRetentionDays: undefined } });
    assert.equal(run.byType(T.redis).length, 0);
    assert.equal(run.byType(T.password).length, 0);
    assert.equal(run.outputs.redis, undefined);
  });

  it("restores the instance from a snapshot in place when configured", async () => {
    const run = await runStack("prod", { "tms:database": { restoreFromSnapshot: "rds:tms-prod-db-2026-11-20-20-30" } });
    const db = run.find(T.db, "database-postgres");
    assert.equal(db.inputs.snapshotIdentifier, "rds:tms-prod-db-2026-11-20-20-30");
    assert.equal(db.inputs.identifier, "tms-prod-db", "same identifier, so the same endpoint");
    assert.equal(db.inputs.dbName, undefined, "the snapshot brings its own database");
    assert.equal(run.optionsOf(db).deleteBeforeReplace, true, "a fixed identifier cannot be created before the old one is gone");
  });

  it("keeps the final snapshot and automated backups when deletion protection is lifted for a restore", async () => {
    const run = await runStack("prod", { "tms:database": { deletionProtection: false }, "tms:protectStatefulResources": false });
    const db = run.find(T.db, "database-postgres");
    assert.equal(db.inputs.deletionProtection, false);
    assert.equal(db.inputs.skipFinalSnapshot, false);
    assert.match(String(db.inputs.finalSnapshotIdentifier), /^tms-prod-db-final-/);
    assert.equal(db.inputs.deleteAutomatedBackups, false);
  });

  it("sets max_connections when configured", async () => {
    const run = await runStack("prod", { "tms:database": { maxConnections: 1000 } });
    assert.ok(
      (run.find(T.params).inputs.parameters as any[]).some((p) => p.name === "max_connections" && p.value === "1000" && p.applyMethod === "pending-reboot"),
    );
  });

  it("derives RDS's default max_connections from the class", () => {
    assert.equal(defaultMaxConnections("db.r6g.large"), 1802);
    assert.equal(defaultMaxConnections("db.t4g.micro"), 112);
    assert.equal(defaultMaxConnections("db.x1.huge"), undefined);
    assert.deepEqual(connectionDemand({ reservedConcurrency: [100, 100, 1, 1], poolSize: 2, headroom: 20, maxConnections: 450 }), { demand: 424, fits: true });
  });

  it("stops at startup when reserved concurrency × pool size + headroom exceeds max_connections", async () => {
    // 4 API functions × 100 + 2 singletons × 1 = 402 containers × 2 + 20 = 824: db.t4g.large (901) fits, db.t4g.medium (450) does not.
    await runStack("prod", { "tms:database": { instanceClass: "db.t4g.large" } });
    await assert.rejects(runStack("prod", { "tms:database": { instanceClass: "db.t4g.medium" } }), (err: Error) => {
      assert.equal(err.name, "StackConfigError");
      assert.match(
        err.message,
        /tms:functions\.reservedConcurrency: got 100; expected a connection budget that fits max_connections: 402 containers \(tracking, maps, trips, users, jobs, migrate\) × dbPoolSize 2 \+ headroom 20 = 824, but db\.t4g\.medium allows 450/,
      );
      return true;
    });
    await assert.rejects(
      runStack("prod", { "tms:database": { instanceClass: "db.t4g.medium" } }),
      /= 824, but db\.t4g\.medium allows 450; lower reservedConcurrency or dbPoolSize, or choose a larger instance class/,
    );
    await assert.rejects(runStack("prod", { "tms:database": { maxConnections: 300 } }), /= 824, but tms:database\.maxConnections is 300/);
    // Dev reserves no concurrency, so there is no bound to check.
    await runStack("dev", { "tms:database": { instanceClass: "db.t4g.micro" } });
  });

  it("rejects data-layer config that could not deploy", async () => {
    const reject = (config: Record<string, unknown>, message: RegExp) => assert.rejects(runStack("prod", config), message);
    await reject(
      { "tms:database": { instanceClass: "db.m5.large" } },
      /tms:database\.instanceClass: got "db\.m5\.large"; expected a Graviton class the platform supports/,
    );
    await reject(
      { "tms:database": { maintenanceWindow: "sun:20:00-sun:21:00" } },
      /tms:database\.maintenanceWindow: got "sun:20:00-sun:21:00"; expected a window that does not overlap the backup window/,
    );
    await reject({ "tms:database": { maxAllocatedStorageGb: 50 } }, /tms:database\.maxAllocatedStorageGb: got 50; expected at least allocatedStorageGb/);
    await reject(
      { "tms:documents": { replicaRegion: "ap-south-1" } },
      /tms:documents\.replicaRegion: got "ap-south-1"; expected a region other than the bucket's own \(ap-south-1\)/,
    );
    await reject({ "tms:cache": { nodeType: "t4g.micro" } }, /tms:cache\.nodeType: got "t4g\.micro"; expected a node type like "cache\.t4g\.micro"/);
    await reject({ "tms:functions": { dbPoolSize: 5 } }, /tms:functions\.dbPoolSize: got 5; expected at most 2/);
  });
});
