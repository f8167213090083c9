/**
 * Runs the whole composition for a stack against the mock engine and answers
 * questions about what it registered. Thin on purpose: the engine itself lives
 * in plan/engine.ts and is shared with `npm run plan`.
 */
import { ConfigOverrides, PlanResource, ProgramRun, ResourceOptions, runProgram } from "../plan/engine";
import { JsonValue } from "../plan/serialize";

export { PlanResource };

export class StackRun {
  readonly stack: string;
  readonly resources: PlanResource[];
  readonly outputs: Record<string, JsonValue>;
  private readonly options: Record<string, ResourceOptions>;

  constructor(run: ProgramRun) {
    this.stack = run.stack;
    this.resources = run.resources;
    this.outputs = run.outputs;
    this.options = run.options;
  }

  /** protect / retainOnDelete as registered. */
  optionsOf(resource: PlanResource): ResourceOptions {
    return this.options[resource.urn];
  }

  /** Every resource of a type, in registration order. */
  byType(type: string): PlanResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of `type` (named `name`, if given); fails listing what exists otherwise. */
  find(type: string, name?: string): PlanResource {
    const matches = this.byType(type).filter((r) => name === undefined || r.name === name);
    if (matches.length !== 1) {
      const have = this.byType(type).map((r) => r.name);
      throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${matches.length} (have: ${have.join(", ") || "none"})`);
    }
    return matches[0];
  }

  byUrn(urn: string): PlanResource {
    const resource = this.resources.find((r) => r.urn === urn);
    if (!resource) throw new Error(`no resource ${urn}`);
    return resource;
  }

  /** The explicit provider a custom resource is registered with (default providers are not resources here). */
  providerOf(resource: PlanResource): PlanResource | undefined {
    return this.resources.find((r) => resource.provider.startsWith(`${r.urn}::`));
  }

  /** The resource's URN ancestry, nearest parent first. */
  ancestors(resource: PlanResource): PlanResource[] {
    const chain: PlanResource[] = [];
    for (let parent = resource.parent; parent; parent = this.byUrn(parent).parent) chain.push(this.byUrn(parent));
    return chain;
  }
}

const cache = new Map<string, Promise<StackRun>>();

/**
 * The stack as its `Pulumi.<stack>.yaml` describes it, or with overrides on
 * top (objects merge deeply; `undefined` removes a key). Runs without
 * overrides are cached: they are deterministic.
 */
export function runStack(stack: string, config?: ConfigOverrides): Promise<StackRun> {
  if (config) return runProgram({ stack, config }).then((run) => new StackRun(run));
  let run = cache.get(stack);
  if (!run) {
    run = runProgram({ stack }).then((r) => new StackRun(r));
    cache.set(stack, run);
  }
  return run;
}

/** Parses an IAM policy document input (a JSON string). */
export function policyJson(value: JsonValue | undefined): { Statement: Record<string, any>[] } {
  if (typeof value !== "string") throw new Error(`expected a policy JSON string, got ${JSON.stringify(value)}`);
  const doc = JSON.parse(value);
  return { ...doc, Statement: [doc.Statement].flat() };
}
