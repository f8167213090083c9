/** Problems found in args or config, located by a path, and how a path reads. */

/**
 * A problem found while normalizing a component's args, located by a path into
 * those args. `message` reads as what was expected ("expected ...").
 */
export interface ArgProblem {
  path: (string | number)[];
  message: string;
}

/** `["subnets", 1, "cidr"]` → `subnets[1].cidr`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), "");
}
