/** CloudWatch Logs retention: what the service accepts, and the platform's default. */
/** Retention periods CloudWatch Logs accepts (days). Anything else fails at deploy time. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Days logs are kept where a stack says nothing else. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;
