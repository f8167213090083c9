/** KMS, Secrets Manager, CloudWatch Logs, SNS, SQS and Cognito. */
import { TmsPolicy, companionsOf, ofType, resourcePolicy, stackPolicy } from "./define";

export const platformPolicies: TmsPolicy[] = [
  resourcePolicy({
    name: "kms-key-rotation",
    description: "Symmetric customer-managed KMS keys rotate automatically.",
    enforcementLevel: "mandatory",
    severity: "medium",
    fsbp: "KMS.4",
    remediation: "Set enableKeyRotation: true.",
    types: ["aws:kms/key:Key"],
    validate: (props, report) => {
      const spec = props.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
      if (spec === "SYMMETRIC_DEFAULT" && props.enableKeyRotation !== true) report("enableKeyRotation is not true");
    },
  }),
  resourcePolicy({
    name: "secretsmanager-customer-key",
    description: "Secrets Manager secrets are encrypted with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediation: "Set kmsKeyId to a customer-managed key whose policy limits who may decrypt.",
    types: ["aws:secretsmanager/secret:Secret"],
    validate: (props, report) => {
      if (!props.kmsKeyId) report("kmsKeyId is not set (the AWS-managed key cannot be scoped)");
    },
  }),
  stackPolicy({
    name: "secretsmanager-rotation",
    description: "Secrets Manager secrets rotate automatically.",
    enforcementLevel: "advisory",
    severity: "medium",
    fsbp: "SecretsManager.1",
    remediation: "Add an aws.secretsmanager.SecretRotation for the secret, or rotate it by the documented runbook.",
    validate: (resources, report) => {
      const rotations = ofType(resources, "aws:secretsmanager/secretRotation:SecretRotation");
      for (const secret of ofType(resources, "aws:secretsmanager/secret:Secret")) {
        if (companionsOf(secret, rotations, "secretId").length === 0) report(`secret ${secret.name} does not rotate automatically`, secret);
      }
    },
  }),
  resourcePolicy<{ minimumDays: number }>({
    name: "cloudwatch-log-retention",
    description: "CloudWatch log groups keep logs for a set period, at least the configured minimum.",
    enforcementLevel: "advisory",
    severity: "low",
    fsbp: "CloudWatch.16",
    remediation: "Set retentionInDays (the stack's tms:logRetentionDays).",
    config: { minimumDays: { type: "integer", default: 1, description: "Fewest days a log group may keep logs." } },
    types: ["aws:cloudwatch/logGroup:LogGroup"],
    validate: (props, report, { config }) => {
      const days = props.retentionInDays ?? 0;
      if (days === 0) report("retentionInDays is not set: logs are kept forever");
      else if (days < config.minimumDays) report(`retentionInDays is ${days}; at least ${config.minimumDays} required`);
    },
  }),
  resourcePolicy({
    name: "sns-encrypted",
    description: "SNS topics are encrypted at rest with KMS.",
    enforcementLevel: "mandatory",
    severity: "medium",
    fsbp: "SNS.1",
    remediation: "Set kmsMasterKeyId.",
    types: ["aws:sns/topic:Topic"],
    validate: (props, report) => {
      if (!props.kmsMasterKeyId) report("kmsMasterKeyId is not set");
    },
  }),
  resourcePolicy({
    name: "sqs-encrypted",
    description: "SQS queues are encrypted at rest.",
    enforcementLevel: "mandatory",
    severity: "medium",
    fsbp: "SQS.1",
    remediation: "Set kmsMasterKeyId (or sqsManagedSseEnabled: true).",
    types: ["aws:sqs/queue:Queue"],
    validate: (props, report) => {
      if (!props.kmsMasterKeyId && props.sqsManagedSseEnabled !== true) report("neither kmsMasterKeyId nor sqsManagedSseEnabled is set");
    },
  }),
  resourcePolicy<{ minimumLength: number }>({
    name: "cognito-password-policy",
    description: "Cognito user pools require long passwords with every character class.",
    enforcementLevel: "advisory",
    severity: "high",
    remediation: "Set passwordPolicy: minimumLength ≥ 12 and require lowercase, uppercase, numbers and symbols.",
    config: { minimumLength: { type: "integer", default: 12, description: "Shortest password accepted." } },
    types: ["aws:cognito/userPool:UserPool"],
    validate: (props, report, { config }) => {
      const policy = props.passwordPolicy ?? {};
      if ((policy.minimumLength ?? 8) < config.minimumLength)
        report(`passwordPolicy.minimumLength is ${policy.minimumLength ?? 8}; at least ${config.minimumLength} required`);
      const missing = ["requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"].filter((k) => policy[k] !== true);
      if (missing.length > 0) report(`passwordPolicy does not set ${missing.join(", ")}`);
    },
  }),
  resourcePolicy({
    name: "cognito-mfa",
    description: "Cognito user pools offer multi-factor authentication.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediation: 'Set mfaConfiguration "OPTIONAL" (or "ON") with softwareTokenMfaConfiguration enabled.',
    types: ["aws:cognito/userPool:UserPool"],
    validate: (props, report) => {
      if (!["ON", "OPTIONAL"].includes(props.mfaConfiguration)) report(`mfaConfiguration is ${props.mfaConfiguration ?? "OFF"}`);
    },
  }),
];
