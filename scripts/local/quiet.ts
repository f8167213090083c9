/** Imported first by local tools: no per-request logs or EMF metrics on the console (Powertools reads these at load). */
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
