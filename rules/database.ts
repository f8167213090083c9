/**
 * PostgreSQL on RDS as the platform runs it: the defaults, the instance classes
 * and their connection limits, the connection budget, and the checks of the
 * settings (windows, storage, replicas).
 */
import { ArgProblem } from "./problems";

/** Defaults of the Database component's PostgreSQL settings. */
export const DB_DEFAULTS = {
  allocatedStorageGb: 20,
  multiAz: false,
  backupRetentionDays: 7,
  deletionProtection: false,
  finalSnapshot: true,
  readReplicas: 0,
  slowStatementMs: 500,
  /** 02:00-03:00 IST. */
  backupWindow: "20:30-21:30",
  /** Monday 03:30-04:30 IST. */
  maintenanceWindow: "sun:22:00-sun:23:00",
};

/** The settings the checks read (the Database component's args and the stack config both have this shape). */
export interface PostgresRules {
  instanceClass: string;
  allocatedStorageGb?: number;
  maxAllocatedStorageGb?: number;
  backupRetentionDays?: number;
  readReplicas?: number;
  backupWindow?: string;
  maintenanceWindow?: string;
}

/**
 * Memory of the Graviton classes the platform supports (GiB). RDS derives
 * PostgreSQL's default max_connections from it: LEAST(memory / 9531392, 5000).
 */
export const DB_INSTANCE_MEMORY_GIB: Record<string, number> = {
  "db.t4g.micro": 1,
  "db.t4g.small": 2,
  "db.t4g.medium": 4,
  "db.t4g.large": 8,
  "db.t4g.xlarge": 16,
  "db.m6g.large": 8,
  "db.m6g.xlarge": 16,
  "db.m6g.2xlarge": 32,
  "db.m7g.large": 8,
  "db.m7g.xlarge": 16,
  "db.m7g.2xlarge": 32,
  "db.r6g.large": 16,
  "db.r6g.xlarge": 32,
  "db.r6g.2xlarge": 64,
  "db.r7g.large": 16,
  "db.r7g.xlarge": 32,
  "db.r7g.2xlarge": 64,
};

/** RDS PostgreSQL's default max_connections for a class, or undefined for a class not in the table. */
export function defaultMaxConnections(instanceClass: string): number | undefined {
  const gib = DB_INSTANCE_MEMORY_GIB[instanceClass];
  return gib === undefined ? undefined : Math.min(Math.floor((gib * 1024 ** 3) / 9531392), 5000);
}

export interface ConnectionBudget {
  /** Reserved concurrency of each function that opens database connections. */
  reservedConcurrency: number[];
  /** Connections each Lambda container's pool may open. */
  poolSize: number;
  /** Connections kept free for RDS itself, migrations, replicas and people. */
  headroom: number;
  maxConnections: number;
}

/** How many connections the functions may open at most, and whether that fits. */
export function connectionDemand(budget: ConnectionBudget): { demand: number; fits: boolean } {
  const demand = budget.reservedConcurrency.reduce((sum, n) => sum + n, 0) * budget.poolSize + budget.headroom;
  return { demand, fits: demand <= budget.maxConnections };
}

/** `hh:mm-hh:mm` and `ddd:hh:mm-ddd:hh:mm` as minutes of the week (daily windows: every day). */
function windowMinutes(window: string, daily: boolean): [number, number][] | undefined {
  const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
  const m = daily ? /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(window) : /^(\w{3}):(\d\d):(\d\d)-(\w{3}):(\d\d):(\d\d)$/.exec(window);
  if (!m) return undefined;
  const at = (day: number, h: string, min: string) => day * 1440 + Number(h) * 60 + Number(min);
  if (daily) {
    return days.map((_, d) => {
      const start = at(d, m[1], m[2]);
      const end = at(d, m[3], m[4]);
      return [start, end > start ? end : end + 1440];
    });
  }
  const [d1, d2] = [days.indexOf(m[1]), days.indexOf(m[4])];
  if (d1 < 0 || d2 < 0) return undefined;
  const start = at(d1, m[2], m[3]);
  const end = at(d2, m[5], m[6]);
  return [[start, end > start ? end : end + 7 * 1440]];
}

function overlaps(a: [number, number][], b: [number, number][]): boolean {
  const week = 7 * 1440;
  return a.some(([s1, e1]) => b.some(([s2, e2]) => [-week, 0, week].some((shift) => s1 < e2 + shift && s2 + shift < e1)));
}

/** Problems with the PostgreSQL settings, by path within them; the Database component and the config layer both report them. */
export function postgresProblems(pg: PostgresRules): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (DB_INSTANCE_MEMORY_GIB[pg.instanceClass] === undefined) {
    problems.push({ path: ["instanceClass"], message: `expected a Graviton class the platform supports: ${Object.keys(DB_INSTANCE_MEMORY_GIB).join(", ")}` });
  }
  if (pg.maxAllocatedStorageGb !== undefined && pg.maxAllocatedStorageGb < (pg.allocatedStorageGb ?? DB_DEFAULTS.allocatedStorageGb)) {
    problems.push({ path: ["maxAllocatedStorageGb"], message: "expected at least allocatedStorageGb (it is the autoscaling ceiling)" });
  }
  if ((pg.readReplicas ?? DB_DEFAULTS.readReplicas) > 0 && (pg.backupRetentionDays ?? DB_DEFAULTS.backupRetentionDays) === 0) {
    problems.push({ path: ["backupRetentionDays"], message: "expected at least 1: read replicas need automated backups on the source" });
  }
  const backup = windowMinutes(pg.backupWindow ?? DB_DEFAULTS.backupWindow, true);
  const maintenance = windowMinutes(pg.maintenanceWindow ?? DB_DEFAULTS.maintenanceWindow, false);
  if (!backup) problems.push({ path: ["backupWindow"], message: 'expected "hh:mm-hh:mm" (UTC)' });
  if (!maintenance) problems.push({ path: ["maintenanceWindow"], message: 'expected "ddd:hh:mm-ddd:hh:mm" (UTC)' });
  if (backup && maintenance && overlaps(backup, maintenance)) {
    problems.push({ path: ["maintenanceWindow"], message: "expected a window that does not overlap the backup window" });
  }
  return problems;
}
