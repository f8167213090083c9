/**
 * Every policy of the TMS pack, as pure data. policy/index.ts builds the
 * PolicyPack from this list; the offline evaluator, the plan command and the
 * tests import it without starting a policy server.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { computePolicies } from "./compute";
import { dataPolicies } from "./data";
import type { TmsPolicy } from "./define";
import { edgePolicies } from "./edge";
import { iamPolicies } from "./iam";
import { networkPolicies } from "./network";
import { platformPolicies } from "./platform";
import { s3Policies } from "./s3";

export const PACK_NAME = "tms-guardrails";

/** The level of a policy that sets none (every policy here sets its own). */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";

export const policies: TmsPolicy[] = [
  ...s3Policies,
  ...dataPolicies,
  ...computePolicies,
  ...edgePolicies,
  ...networkPolicies,
  ...iamPolicies,
  ...platformPolicies,
];
