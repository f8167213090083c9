import { strict as assert } from "assert";
import { runStack } from "./harness";

for (const stack of ["dev", "prod"]) {
  describe(`the ${stack} stack as a whole`, () => {
    it("deploys every AWS resource through an explicit provider carrying the default tags", async () => {
      const run = await runStack(stack);
      const providers = run.byType("pulumi:providers:aws");
      for (const provider of providers) {
        assert.deepEqual(JSON.parse(String(provider.inputs.defaultTags)), { tags: { project: "tms", stack, "managed-by": "pulumi" } }, provider.name);
      }
      const aws = run.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
      assert.ok(aws.length > 30);
      for (const resource of aws) assert.ok(run.providerOf(resource), `${resource.name} falls back to the default provider`);
    });

    it("keeps everything in ap-south-1 except the disaster-recovery copies (in India) and CloudFront's us-east-1 parts", async () => {
      const run = await runStack(stack);
      // CloudFront's WAF, certificate and log delivery must live in us-east-1; they hold no data.
      const usEast1Types = ["aws:wafv2/webAcl:WebAcl", "aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation"];
      for (const resource of run.resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
        const region = run.providerOf(resource)!.inputs.region;
        // The replica bucket, its companions and its key, the replicated backups and the DR keys; the replication role is global IAM, created at home.
        if (/^documents-replica(-key)?$|^database-backups-ap-south-2$|-dr-key$/.test(resource.name)) assert.equal(region, "ap-south-2", resource.name);
        else if (usEast1Types.includes(resource.type) || resource.type.startsWith("aws:cloudwatch/logDelivery"))
          assert.equal(region, "us-east-1", resource.name);
        else assert.equal(region, "ap-south-1", resource.name);
      }
    });
  });
}

describe("providers", () => {
  it("are one per region, even when the documents replica shares a region with CloudFront's parts", async () => {
    const run = await runStack("dev", { "tms:documents": { replicaRegion: "us-east-1" } });
    const regions = run.byType("pulumi:providers:aws").map((p) => p.inputs.region);
    assert.deepEqual([...regions].sort(), ["ap-south-1", "us-east-1"]);
    assert.equal(run.providerOf(run.find("aws:s3/bucket:Bucket", "documents-replica"))!.inputs.region, "us-east-1");
  });
});
