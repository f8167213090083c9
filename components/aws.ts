/**
 * The parts of `@pulumi/aws` this program uses, imported one namespace at a
 * time. The package's index loads all of its 240 namespaces, each registering
 * its resource types: 0.2 s, a tenth of a plan and of every `pulumi preview`.
 * A namespace imported here registers its own resource types, which is what
 * the SDK needs to rebuild the resources the engine hands back: awsx's VPC
 * returns only ec2 ones (subnets, route tables, NAT gateways). The index's
 * other registration, of the aws provider, is for provider references coming
 * back, and none does here: every provider is created by index.ts.
 * tests/structure.test.ts keeps the index unloaded; add a namespace here when
 * a component needs one.
 *
 * tsconfig.json's `paths` gives the type-checker this module for the index as
 * well, so awsx's declarations, which import the index, pull in these
 * namespaces' types and not all 240: 2,000 fewer declaration files, about a
 * twelfth of `tsc --noEmit`. Types awsx takes from other namespaces (ECS,
 * load balancers), which this program does not use, go unchecked.
 */
export * as acm from "@pulumi/aws/acm";
export * as apigatewayv2 from "@pulumi/aws/apigatewayv2";
export * as cloudfront from "@pulumi/aws/cloudfront";
export * as cloudtrail from "@pulumi/aws/cloudtrail";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as cognito from "@pulumi/aws/cognito";
export * as ec2 from "@pulumi/aws/ec2";
export * as elasticache from "@pulumi/aws/elasticache";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as lambda from "@pulumi/aws/lambda";
export * as rds from "@pulumi/aws/rds";
export * as route53 from "@pulumi/aws/route53";
export * as s3 from "@pulumi/aws/s3";
export * as scheduler from "@pulumi/aws/scheduler";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as sns from "@pulumi/aws/sns";
export * as sqs from "@pulumi/aws/sqs";
export * as vpc from "@pulumi/aws/vpc";
export * as wafv2 from "@pulumi/aws/wafv2";
export { Provider } from "@pulumi/aws/provider";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export { getRegionOutput } from "@pulumi/aws/getRegion";
export type { Region } from "@pulumi/aws/types/enums";
export type * as types from "@pulumi/aws/types";
