import { strict as assert } from "assert";
import * as fs from "fs";
import { README, renderReadme } from "../scripts/docs";

describe("README", () => {
  it("shows exactly the policies, routes and function environments the code has (run `npm run docs` after changing them)", () => {
    const readme = fs.readFileSync(README, "utf8");
    assert.equal(renderReadme(readme), readme);
  });
});
