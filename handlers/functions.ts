/**
 * The platform's Lambda functions and what each needs from the platform. The
 * config layer sizes the database connection budget from it; the ApiTier
 * deploys one function per entry.
 */
export interface FunctionTraits {
  /** Opens PostgreSQL connections (and so counts against max_connections). */
  database: boolean;
  /**
   * Runs one at a time: when the stack reserves concurrency, this function
   * gets exactly 1, whatever the configured figure.
   */
  singleton: boolean;
}

export const FUNCTIONS = {
  tracking: { database: true, singleton: false },
  maps: { database: false, singleton: false },
  trips: { database: true, singleton: false },
  jobs: { database: true, singleton: true },
  migrate: { database: true, singleton: true },
} as const satisfies Record<string, FunctionTraits>;

export type FunctionName = keyof typeof FUNCTIONS;

/** The reserved concurrency a function gets when the stack reserves `configured` (0 = none). */
export function reservedConcurrencyOf(fn: FunctionName, configured: number): number | undefined {
  if (configured <= 0) return undefined;
  return FUNCTIONS[fn].singleton ? 1 : configured;
}
