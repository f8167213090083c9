/**
 * The CrossGuard pack, as `pulumi preview|up --policy-pack policy` loads it.
 * Constructing a PolicyPack starts the analyzer server, so nothing but this
 * file may do it; the policies themselves live in ./policies.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, { enforcementLevel: PACK_ENFORCEMENT_LEVEL, policies });
