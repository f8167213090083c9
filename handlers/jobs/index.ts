/**
 * Lambda entry point of the scheduled jobs. EventBridge Scheduler invokes it
 * with `{ "task": "<name>" }`; an unknown task fails, so the scheduler's retry
 * policy and dead-letter queue make it visible.
 */
import type { Context } from "aws-lambda";
import * as z from "zod";
import { TASKS } from "../../rules/functions";
import { databaseConfig, jobsConfig } from "../lib/config";
import { Db, createDb } from "../lib/db";
import { logger } from "../lib/log";
import { markDelayedTrips, purgeOldPositions } from "./tasks";

const event = z.object({ task: z.enum(TASKS) });

/** A time budget when the runtime gives none (local runs). */
const DEFAULT_BUDGET_MS = 60_000;

let db: Db | undefined;

export const handler = async (input: unknown, context?: Pick<Context, "getRemainingTimeInMillis">) => {
  const parsed = event.safeParse(input);
  if (!parsed.success) throw new Error(`unknown job input ${JSON.stringify(input)}; expected { "task": ${TASKS.map((t) => `"${t}"`).join(" | ")} }`);
  db ??= createDb(databaseConfig());
  const deadline = Date.now() + DEFAULT_BUDGET_MS;
  const ctx = { db, now: () => new Date(), remainingMs: () => context?.getRemainingTimeInMillis() ?? deadline - Date.now() };
  const result = parsed.data.task === "mark-delayed-trips" ? await markDelayedTrips(ctx) : await purgeOldPositions(ctx, jobsConfig().positionRetentionDays);
  logger.info("job done", { task: parsed.data.task, ...result });
  return { task: parsed.data.task, ...result };
};
