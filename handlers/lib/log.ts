/** Structured JSON logs and EMF metrics (Powertools for AWS Lambda), shared by every function. */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? "tms";

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "TMS", serviceName });
export { MetricUnit };
