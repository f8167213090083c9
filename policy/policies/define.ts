/**
 * Building blocks for the pack's policies. Pure: nothing here constructs a
 * PolicyPack (that starts a gRPC server), so tests and the offline plan can
 * import every policy.
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

export type TmsPolicy = (ResourceValidationPolicy | StackValidationPolicy) & {
  severity: Severity;
  remediationSteps: string;
};

interface Metadata<C> {
  /** kebab-case, unique in the pack. */
  name: string;
  description: string;
  /** Encryption, public exposure and IAM least privilege are mandatory; the rest advisory. */
  enforcementLevel: Extract<EnforcementLevel, "mandatory" | "advisory">;
  severity: Severity;
  /** AWS Foundational Security Best Practices control, e.g. "RDS.3", where one exists. */
  fsbp?: string;
  remediation: string;
  /** Config properties with their defaults; `getConfig()` merges them with the pack config. */
  config?: { [K in keyof C]: { type: "boolean" | "integer" | "number" | "string" | "array"; default: C[K]; description: string; items?: { type: string } } };
}

type Props = Record<string, any>;

function common<C>(meta: Metadata<C>) {
  const configSchema: PolicyConfigSchema | undefined = meta.config && {
    properties: Object.fromEntries(Object.entries(meta.config).map(([key, spec]) => [key, spec as object])),
  };
  return {
    name: meta.name,
    description: meta.description,
    enforcementLevel: meta.enforcementLevel,
    severity: meta.severity,
    remediationSteps: meta.remediation,
    ...(meta.fsbp && {
      framework: {
        name: "AWS Foundational Security Best Practices",
        version: "1.0.0",
        reference: meta.fsbp,
        specification: meta.description,
      },
      url: `https://docs.aws.amazon.com/securityhub/latest/userguide/${meta.fsbp.split(".")[0].toLowerCase()}-controls.html#${meta.fsbp.toLowerCase().replace(".", "-")}`,
      tags: [meta.fsbp],
    }),
    ...(configSchema && { configSchema }),
  };
}

/** The policy's config: its schema defaults overlaid with whatever the pack config sets. */
function configOf<C>(meta: Metadata<C>, args: { getConfig<T extends object>(): T }): C {
  const defaults = Object.fromEntries(Object.entries(meta.config ?? {}).map(([key, spec]) => [key, (spec as { default: unknown }).default]));
  return { ...defaults, ...args.getConfig<object>() } as C;
}

/** A policy on each resource of the given types. `report` adds the resource's own URN. */
export function resourcePolicy<C = Record<string, never>>(
  meta: Metadata<C> & {
    types: string[];
    validate: (props: Props, report: (message: string) => void, context: { config: C; args: ResourceValidationArgs }) => void;
  },
): TmsPolicy {
  return {
    ...common(meta),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (!meta.types.includes(args.type)) return;
      meta.validate(args.props, (message) => reportViolation(message), { config: configOf(meta, args), args });
    },
  };
}

/** A policy over the whole stack, for rules that link resources to their companions. */
export function stackPolicy<C = Record<string, never>>(
  meta: Metadata<C> & {
    validate: (
      resources: PolicyResource[],
      report: (message: string, resource?: PolicyResource) => void,
      context: { config: C; args: StackValidationArgs },
    ) => void;
  },
): TmsPolicy {
  return {
    ...common(meta),
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      meta.validate(args.resources, (message, resource) => reportViolation(message, resource?.urn), { config: configOf(meta, args), args });
    },
  };
}

export const asArray = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

export const ofType = (resources: PolicyResource[], ...types: string[]) => resources.filter((r) => types.includes(r.type));

/**
 * Whether `candidate`'s `key` input refers to one of `urns`, the way the engine
 * records it. A bucket's id is unknown at preview time, so links go through
 * property dependencies, falling back to plain dependencies (hand-written
 * plans) and to a known id or name among `knownIds`.
 */
export function refersTo(candidate: PolicyResource, key: string, urns: ReadonlySet<string>, knownIds: readonly unknown[] = []): boolean {
  const viaKey = candidate.propertyDependencies[key];
  if (viaKey && viaKey.length > 0) return viaKey.some((d) => urns.has(d.urn));
  if (candidate.dependencies.some((d) => urns.has(d.urn))) return true;
  const value = rawProps(candidate)[key];
  return typeof value === "string" && knownIds.includes(value);
}

/** The resources among `candidates` whose `key` input refers to `target`. */
export function companionsOf(target: PolicyResource, candidates: PolicyResource[], key: string): PolicyResource[] {
  const raw = rawProps(target);
  const knownIds = [raw.id, raw.bucket, raw.name].filter((v) => typeof v === "string" && v !== "");
  return candidates.filter((candidate) => refersTo(candidate, key, new Set([target.urn]), knownIds));
}

/**
 * Props without the unknown-checking proxy, for optional lookups that must not
 * turn a policy into "can't run during preview" (e.g. an unknown bucket id).
 */
export function unwrap(props: Props): Props {
  return (props as Props & { __getSpecialProxyTarget?: Props }).__getSpecialProxyTarget ?? props;
}

export const rawProps = (resource: PolicyResource): Props => unwrap(resource.props);

/** A policy document as the provider takes it: a JSON string (or, from some SDKs, an object). */
export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: "*" | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, unknown>>;
}

export function statementsOf(document: unknown): Statement[] {
  const doc = typeof document === "string" ? JSON.parse(document) : document;
  return asArray((doc as { Statement?: Statement | Statement[] } | undefined)?.Statement);
}

export const statementLabel = (s: Statement, i: number) => (s.Sid ? `statement "${s.Sid}"` : `statement ${i + 1}`);
