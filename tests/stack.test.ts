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

    it("keeps everything in ap-south-1 except the documents replica, which stays in India", async () => {
      const run = await runStack(stack);
      for (const resource of run.resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
        const region = run.providerOf(resource)!.inputs.region;
        // The replica bucket, its companions and its key; the replication role is global IAM, created at home.
        if (/^documents-replica(-key)?$/.test(resource.name)) assert.equal(region, "ap-south-2", resource.name);
        else assert.equal(region, "ap-south-1", resource.name);
      }
    });
  });
}
