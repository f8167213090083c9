/**
 * Small pieces every component shares. Components import only this module and
 * each other's *types*; they never reach into another component's resources.
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgProblem, formatPath } from "../rules/problems";

/**
 * Thrown by a component's normalize step. A `RunError` makes Pulumi print the
 * message alone, without a stack trace from inside the component.
 */
export class InvalidArgsError extends pulumi.RunError {
  constructor(component: string, problems: ArgProblem[]) {
    super(`Invalid arguments for ${component}:\n` + problems.map((p) => `  - ${formatPath(p.path) || "(root)"}: ${p.message}`).join("\n"));
    this.name = "InvalidArgsError";
  }
}

/** An IAM policy document, serialized deterministically. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]> | "*";
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * A role trust policy for one AWS service, limited to this account's use of it
 * (and to `sourceArn`, where the service reports one): the confused-deputy guard.
 */
export function serviceTrustPolicy(service: string, accountId: pulumi.Input<string>, sourceArn?: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.all([accountId, sourceArn]).apply(([account, arn]) =>
    policyDocument([
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": account }, ...(arn ? { ArnLike: { "aws:SourceArn": arn } } : {}) },
      },
    ]),
  );
}

/**
 * A key policy: the account administers the key (without this statement a key
 * policy locks the key for good), plus the service grants the key exists for.
 */
export function keyPolicy(parent: pulumi.Resource, grants: (account: string, partition: string) => pulumi.Input<PolicyStatement[]>): pulumi.Output<string> {
  const { accountId, partition } = awsContext(parent);
  return pulumi
    .all([accountId, partition])
    .apply(([account, part]) =>
      pulumi
        .output(grants(account, part))
        .apply((statements) =>
          policyDocument([
            { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${part}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
            ...(statements as PolicyStatement[]),
          ]),
        ),
    );
}

/**
 * A customer-managed KMS key with yearly rotation and a 30-day deletion window,
 * and its alias. `opts` applies to the key (e.g. protect, a regional provider);
 * the alias follows the key's parent and provider.
 */
export function createKey(
  name: string,
  args: { description: string; alias: string; policy?: pulumi.Input<string> },
  opts: pulumi.CustomResourceOptions,
): aws.kms.Key {
  const key = new aws.kms.Key(name, { description: args.description, enableKeyRotation: true, deletionWindowInDays: 30, policy: args.policy }, opts);
  new aws.kms.Alias(name, { name: `alias/${args.alias}`, targetKeyId: key.keyId }, { parent: opts.parent, provider: opts.provider });
  return key;
}

/**
 * The account, partition and region the component's provider deploys to, for
 * building ARNs and confused-deputy conditions.
 */
export function awsContext(parent: pulumi.Resource) {
  const opts = { parent };
  return {
    accountId: aws.getCallerIdentityOutput({}, opts).accountId,
    partition: aws.getPartitionOutput({}, opts).partition,
    region: aws.getRegionOutput({}, opts).region,
  };
}
