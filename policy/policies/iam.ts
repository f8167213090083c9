/**
 * IAM least privilege, read from the policy JSON of every role, inline
 * policy, managed policy and attachment.
 */
import { Statement, TmsPolicy, asArray, resourcePolicy, statementLabel, statementsOf } from "./define";

const ROLE = "aws:iam/role:Role";
const POLICY_DOCUMENT_TYPES = ["aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy", "aws:iam/policy:Policy"];
const ATTACHMENT_TYPES = [
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
];
const PERMISSION_TYPES = [ROLE, ...POLICY_DOCUMENT_TYPES];

/**
 * Actions that AWS only grants on `Resource: "*"` and that the platform needs:
 * a VPC Lambda's network interfaces, and X-Ray trace upload.
 */
export const WILDCARD_RESOURCE_ALLOWED_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
];

/** Verbs that only read; everything else is treated as a write. */
const READ_ONLY = /^(Get|List|Describe|BatchGet|Head|Search|Lookup|View|Query|Scan|Select|Check|Validate|Estimate|Preview)/;

/** The permission statements of a resource, each labelled with where it came from. */
function permissionStatements(type: string, props: Record<string, any>): { where: string; statement: Statement }[] {
  const documents: { where: string; doc: unknown }[] =
    type === ROLE
      ? asArray(props.inlinePolicies).map((p: any) => ({ where: `inline policy ${p.name ?? ""}`.trim(), doc: p.policy }))
      : [{ where: "policy", doc: props.policy }];
  return documents.flatMap(({ where, doc }) => statementsOf(doc).map((statement, i) => ({ where: `${where}, ${statementLabel(statement, i)}`, statement })));
}

const allows = (s: Statement) => s.Effect === "Allow";

export const iamPolicies: TmsPolicy[] = [
  resourcePolicy({
    name: "iam-no-wildcard-actions",
    description: 'IAM policies grant no "*" or "service:*" action.',
    enforcementLevel: "mandatory",
    severity: "critical",
    fsbp: "IAM.21",
    remediation: "List the exact actions the principal calls.",
    types: PERMISSION_TYPES,
    validate: (props, report, { args }) => {
      for (const { where, statement } of permissionStatements(args.type, props)) {
        if (!allows(statement)) continue;
        for (const action of asArray(statement.Action)) {
          if (action === "*" || /^[\w-]+:\*$/.test(action)) report(`${where} allows "${action}"`);
        }
      }
    },
  }),
  resourcePolicy<{ allowedActions: string[] }>({
    name: "iam-no-wildcard-resource-writes",
    description: 'IAM policies grant write actions only on named resources, never on "*" (short documented allow-list excepted).',
    enforcementLevel: "mandatory",
    severity: "high",
    remediation: "Scope Resource to the ARNs the principal writes to (its log group, its secret, the bucket prefix).",
    config: {
      allowedActions: {
        type: "array",
        items: { type: "string" },
        default: WILDCARD_RESOURCE_ALLOWED_ACTIONS,
        description: 'Write actions AWS only grants on "*" (VPC network interfaces, X-Ray).',
      },
    },
    types: PERMISSION_TYPES,
    validate: (props, report, { args, config }) => {
      for (const { where, statement } of permissionStatements(args.type, props)) {
        if (!allows(statement) || !asArray(statement.Resource).includes("*")) continue;
        const writes = asArray(statement.Action).filter((a) => !READ_ONLY.test(a.split(":")[1] ?? "") && !config.allowedActions.includes(a));
        if (writes.length > 0) report(`${where} allows ${writes.join(", ")} on "*"`);
      }
    },
  }),
  resourcePolicy({
    name: "iam-location-on-managed-providers",
    description: 'Amazon Location actions (geo-places, geo-routes, geo-maps) are granted only on their API\'s AWS-managed provider, never on "*".',
    enforcementLevel: "mandatory",
    severity: "high",
    remediation: "Set Resource to arn:aws:<geo-places|geo-routes|geo-maps>:<region>::provider/default, matching the actions' service.",
    types: PERMISSION_TYPES,
    validate: (props, report, { args }) => {
      for (const { where, statement } of permissionStatements(args.type, props)) {
        if (!allows(statement)) continue;
        for (const action of asArray(statement.Action).filter((a) => /^geo-(places|routes|maps):/.test(a))) {
          const service = action.split(":")[0];
          const provider = new RegExp(`^arn:aws:${service}:[a-z0-9-]+::provider/default$`);
          const elsewhere = asArray(statement.Resource).filter((r) => !provider.test(r));
          if (elsewhere.length > 0) report(`${where} allows ${action} on ${elsewhere.join(", ")}`);
        }
      }
    },
  }),
  resourcePolicy({
    name: "iam-no-not-action-or-not-resource",
    description: "IAM Allow statements never use NotAction or NotResource.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediation: "Replace NotAction/NotResource with explicit Action/Resource lists.",
    types: PERMISSION_TYPES,
    validate: (props, report, { args }) => {
      for (const { where, statement } of permissionStatements(args.type, props)) {
        if (allows(statement) && (statement.NotAction !== undefined || statement.NotResource !== undefined))
          report(`${where} allows by exclusion (NotAction/NotResource)`);
      }
    },
  }),
  resourcePolicy({
    name: "iam-no-admin-policies",
    description: "No role, user or group gets AdministratorAccess, PowerUserAccess or IAMFullAccess.",
    enforcementLevel: "mandatory",
    severity: "critical",
    fsbp: "IAM.1",
    remediation: "Attach a policy with only the actions and resources the principal uses.",
    types: [ROLE, ...ATTACHMENT_TYPES],
    validate: (props, report) => {
      for (const arn of [props.policyArn, ...asArray(props.managedPolicyArns)]) {
        if (typeof arn === "string" && /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/.test(arn)) report(`attaches ${arn}`);
      }
    },
  }),
  resourcePolicy<{ allowedPrincipalTypes: string[] }>({
    name: "iam-trust-service-principal",
    description:
      'Role trust policies name a service principal, never "*"; a Cognito identity pool\'s role trusts that pool (aud) and its signed-in identities (amr) alone.',
    enforcementLevel: "mandatory",
    severity: "critical",
    remediation:
      'Trust only the AWS service that assumes the role (e.g. { Service: "lambda.amazonaws.com" }), with aws:SourceAccount/SourceArn conditions where the service supports them. For { Federated: "cognito-identity.amazonaws.com" }: Action sts:AssumeRoleWithWebIdentity, StringEquals cognito-identity.amazonaws.com:aud = the pool id, and ForAnyValue:StringLike cognito-identity.amazonaws.com:amr = "authenticated".',
    config: {
      allowedPrincipalTypes: {
        type: "array",
        items: { type: "string" },
        default: ["Service"],
        description: "Principal kinds a trust policy may name (Service; add Federated for an OIDC deploy role).",
      },
    },
    types: [ROLE],
    validate: (props, report, { config }) => {
      statementsOf(props.assumeRolePolicy).forEach((statement, i) => {
        if (!allows(statement)) return;
        const label = statementLabel(statement, i);
        const principal = statement.Principal;
        if (principal === undefined || principal === "*") {
          report(`trust ${label} trusts ${principal === "*" ? '"*"' : "no named principal"}`);
          return;
        }
        for (const [kind, value] of Object.entries(principal)) {
          if (asArray(value).includes("*")) report(`trust ${label} trusts ${kind} "*"`);
          else if (kind === "Federated" && asArray(value).every((v) => v === COGNITO_IDENTITY)) {
            const problem = cognitoIdentityTrustProblem(statement);
            if (problem) report(`trust ${label} ${problem}`);
          } else if (!config.allowedPrincipalTypes.includes(kind))
            report(`trust ${label} trusts a ${kind} principal; allowed: ${config.allowedPrincipalTypes.join(", ")}`);
        }
      });
    },
  }),
  resourcePolicy({
    name: "cognito-identity-pool-no-guests",
    description: "Cognito identity pools give AWS credentials to signed-in users only, through the enhanced flow.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediation: "Set allowUnauthenticatedIdentities: false and allowClassicFlow: false (the classic flow lets a client pick any role the pool may hand out).",
    types: ["aws:cognito/identityPool:IdentityPool"],
    validate: (props, report) => {
      if (props.allowUnauthenticatedIdentities === true) report("allowUnauthenticatedIdentities is true: anyone on the internet gets credentials");
      if (props.allowClassicFlow === true) report("allowClassicFlow is true");
    },
  }),
  resourcePolicy({
    name: "iam-pass-role-scoped",
    description: "iam:PassRole is granted only on named roles.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediation: "Set Resource to the exact role ARNs the principal passes, with no wildcard.",
    types: PERMISSION_TYPES,
    validate: (props, report, { args }) => {
      for (const { where, statement } of permissionStatements(args.type, props)) {
        if (!allows(statement)) continue;
        const passes = asArray(statement.Action).some((a) => /^iam:(PassRole|Pass\*|\*)$/.test(a) || a === "*");
        const wild = asArray(statement.Resource).filter((r) => r.includes("*"));
        if (passes && wild.length > 0) report(`${where} allows iam:PassRole on ${wild.join(", ")}`);
      }
    },
  }),
];

const COGNITO_IDENTITY = "cognito-identity.amazonaws.com";

/**
 * What is wrong with a statement trusting Cognito identity pools, if anything.
 * Without `aud`, any identity pool in any account could hand out this role's
 * credentials; without `amr` = "authenticated", so could a guest identity.
 * See IAM's "Role trust and permissions" for Amazon Cognito identity pools.
 */
function cognitoIdentityTrustProblem(statement: Record<string, any>): string | undefined {
  const actions = asArray(statement.Action);
  if (actions.length !== 1 || actions[0] !== "sts:AssumeRoleWithWebIdentity")
    return `lets Cognito identities call ${actions.join(", ")}; only sts:AssumeRoleWithWebIdentity`;
  const audiences = asArray(statement.Condition?.StringEquals?.[`${COGNITO_IDENTITY}:aud`]);
  if (audiences.length === 0 || audiences.some((a) => typeof a !== "string" || /[*?]/.test(a)))
    return `trusts Cognito identities without StringEquals ${COGNITO_IDENTITY}:aud naming its identity pool: any pool in any account could assume it`;
  const amr = asArray(statement.Condition?.["ForAnyValue:StringLike"]?.[`${COGNITO_IDENTITY}:amr`]);
  if (amr.length !== 1 || amr[0] !== "authenticated")
    return `trusts Cognito identities without ForAnyValue:StringLike ${COGNITO_IDENTITY}:amr = "authenticated": guests could assume it`;
  return undefined;
}
