import { strict as assert } from "assert";
import * as fs from "fs";
import { README, renderReadme } from "../scripts/docs";

describe("README", () => {
  it("lists exactly the policies the pack has (run `npm run docs` after changing a policy)", () => {
    const readme = fs.readFileSync(README, "utf8");
    assert.equal(renderReadme(readme), readme);
  });
});
