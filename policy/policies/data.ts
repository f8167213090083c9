/** RDS and ElastiCache: encryption, exposure, durability. */
import { TmsPolicy, companionsOf, ofType, rawProps, resourcePolicy, stackPolicy, unwrap } from "./define";

const RDS_INSTANCE = "aws:rds/instance:Instance";
const RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup";
const REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";

/** Read replicas inherit encryption, backups and credentials from their source. */
const isReplica = (props: Record<string, any>) => Boolean(unwrap(props).replicateSourceDb);

/** "Required where the stack demands it": off by default, switched on per stack in policy/config.<stack>.json. */
const requiredSwitch = (what: string) => ({
  required: { type: "boolean" as const, default: false, description: `Whether this stack requires ${what}.` },
});

export const dataPolicies: TmsPolicy[] = [
  resourcePolicy({
    name: "rds-storage-encrypted",
    description: "RDS storage is encrypted with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    severity: "high",
    fsbp: "RDS.3",
    remediation:
      "Set storageEncrypted: true and kmsKeyId to a customer-managed key (it cannot be changed after creation: restore a snapshot into an encrypted instance).",
    types: [RDS_INSTANCE],
    validate: (props, report) => {
      if (isReplica(props)) return;
      if (props.storageEncrypted !== true) report("storageEncrypted is not true");
      else if (!props.kmsKeyId) report("storage is encrypted with the AWS-managed key; set kmsKeyId to a customer-managed key");
    },
  }),
  resourcePolicy({
    name: "rds-not-public",
    description: "RDS instances are not publicly accessible.",
    enforcementLevel: "mandatory",
    severity: "critical",
    fsbp: "RDS.2",
    remediation: "Set publiclyAccessible: false and place the instance in isolated subnets.",
    types: [RDS_INSTANCE],
    validate: (props, report) => {
      if (props.publiclyAccessible === true) report("publiclyAccessible is true");
    },
  }),
  resourcePolicy({
    name: "rds-performance-insights-encrypted",
    description: "RDS Performance Insights data is encrypted with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediation: "Set performanceInsightsKmsKeyId to the database's customer-managed key.",
    types: [RDS_INSTANCE],
    validate: (props, report) => {
      if (props.performanceInsightsEnabled === true && !props.performanceInsightsKmsKeyId) {
        report("Performance Insights is on without performanceInsightsKmsKeyId");
      }
    },
  }),
  resourcePolicy<{ minimumDays: number }>({
    name: "rds-backup-retention",
    description: "RDS automated backups are kept for at least the configured number of days.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "RDS.11",
    remediation: "Raise backupRetentionPeriod (prod: 30 days, the reference's RPO).",
    config: { minimumDays: { type: "integer", default: 7, description: "Fewest days of automated backups." } },
    types: [RDS_INSTANCE],
    validate: (props, report, { config }) => {
      if (isReplica(props)) return;
      const days = props.backupRetentionPeriod ?? 0;
      if (days < config.minimumDays) report(`backupRetentionPeriod is ${days}; at least ${config.minimumDays} required`);
    },
  }),
  resourcePolicy<{ required: boolean }>({
    name: "rds-multi-az",
    description: "RDS instances run Multi-AZ where the stack demands it.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "RDS.5",
    remediation: "Set multiAz: true.",
    config: requiredSwitch("Multi-AZ databases"),
    types: [RDS_INSTANCE],
    validate: (props, report, { config, args }) => {
      if (!config.required || isReplica(props)) args.notApplicable("this stack does not require Multi-AZ");
      if (props.multiAz !== true) report("multiAz is not true");
    },
  }),
  resourcePolicy<{ required: boolean }>({
    name: "rds-deletion-protection",
    description: "RDS instances have deletion protection where the stack demands it.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "RDS.8",
    remediation: "Set deletionProtection: true.",
    config: requiredSwitch("deletion protection"),
    types: [RDS_INSTANCE],
    validate: (props, report, { config, args }) => {
      if (!config.required) args.notApplicable("this stack does not require deletion protection");
      if (props.deletionProtection !== true) report("deletionProtection is not true");
    },
  }),
  resourcePolicy({
    name: "rds-iam-authentication",
    description: "RDS instances accept IAM database authentication.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "RDS.10",
    remediation: "Set iamDatabaseAuthenticationEnabled: true.",
    types: [RDS_INSTANCE],
    validate: (props, report) => {
      if (props.iamDatabaseAuthenticationEnabled !== true) report("iamDatabaseAuthenticationEnabled is not true");
    },
  }),
  stackPolicy({
    name: "rds-force-ssl",
    description: "PostgreSQL instances use a parameter group that forces TLS (rds.force_ssl = 1).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediation: 'Give the instance an aws.rds.ParameterGroup with parameter { name: "rds.force_ssl", value: "1" }.',
    validate: (resources, report) => {
      const groups = ofType(resources, RDS_PARAMETER_GROUP);
      for (const db of ofType(resources, RDS_INSTANCE)) {
        const raw = rawProps(db);
        if (typeof raw.engine === "string" && !raw.engine.startsWith("postgres")) continue;
        if (isReplica(raw) && raw.parameterGroupName === undefined) continue;
        const linked = groups.filter((g) => companionsOf(g, [db], "parameterGroupName").length > 0);
        const forces = linked.some((g) => (g.props.parameters ?? []).some((p: any) => p.name === "rds.force_ssl" && String(p.value) === "1"));
        if (!forces) report(`instance ${db.name}: its parameter group does not set rds.force_ssl = 1`, db);
      }
    },
  }),
  resourcePolicy({
    name: "elasticache-encryption-at-rest",
    description: "ElastiCache replication groups encrypt data at rest.",
    enforcementLevel: "mandatory",
    severity: "high",
    fsbp: "ElastiCache.4",
    remediation: "Set atRestEncryptionEnabled: true (and kmsKeyId to a customer-managed key).",
    types: [REPLICATION_GROUP],
    validate: (props, report) => {
      if (String(props.atRestEncryptionEnabled) !== "true") report("atRestEncryptionEnabled is not true");
    },
  }),
  resourcePolicy({
    name: "elasticache-encryption-in-transit",
    description: "ElastiCache replication groups require TLS for every connection.",
    enforcementLevel: "mandatory",
    severity: "high",
    fsbp: "ElastiCache.5",
    remediation: 'Set transitEncryptionEnabled: true and transitEncryptionMode: "required".',
    types: [REPLICATION_GROUP],
    validate: (props, report) => {
      if (props.transitEncryptionEnabled !== true) report("transitEncryptionEnabled is not true");
      else if (props.transitEncryptionMode !== undefined && props.transitEncryptionMode !== "required") {
        report(`transitEncryptionMode is "${props.transitEncryptionMode}", which still accepts plaintext connections`);
      }
    },
  }),
  resourcePolicy({
    name: "elasticache-auth",
    description: "ElastiCache replication groups require authentication (an AUTH token or an RBAC user group).",
    enforcementLevel: "mandatory",
    severity: "high",
    fsbp: "ElastiCache.6",
    remediation: "Set authToken (from a generated secret) or userGroupIds.",
    types: [REPLICATION_GROUP],
    validate: (props, report) => {
      const raw = unwrap(props);
      if (!raw.authToken && (raw.userGroupIds ?? []).length === 0) report("neither authToken nor userGroupIds is set");
    },
  }),
  resourcePolicy<{ required: boolean }>({
    name: "elasticache-multi-az",
    description: "ElastiCache replication groups fail over automatically across AZs where the stack demands it.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "ElastiCache.3",
    remediation: "Run at least two nodes with automaticFailoverEnabled: true and multiAzEnabled: true.",
    config: requiredSwitch("Multi-AZ caches"),
    types: [REPLICATION_GROUP],
    validate: (props, report, { config, args }) => {
      if (!config.required) args.notApplicable("this stack does not require Multi-AZ");
      if (props.automaticFailoverEnabled !== true || props.multiAzEnabled !== true) {
        report("automaticFailoverEnabled and multiAzEnabled must both be true");
      }
    },
  }),
];
