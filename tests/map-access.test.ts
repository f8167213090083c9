import { strict as assert } from "assert";
import { policyJson, runStack, StackRun, T } from "./harness";

const POOL = "aws:cognito/identityPool:IdentityPool";
const ATTACHMENT = "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment";

const siteConfigOf = (run: StackRun) => JSON.parse(String(run.byType(T.object).find((o) => o.inputs.key === "config.json")!.inputs.content));
const cspOf = (run: StackRun): string => (run.find(T.headers).inputs.securityHeadersConfig as any).contentSecurityPolicy.contentSecurityPolicy;

describe("MapAccess: map tiles for signed-in users of the web app", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack("prod");
  });

  it("exchanges the SPA client's ID tokens only, checked with Cognito, and never for guests", () => {
    const pool = run.find(POOL).inputs as any;
    assert.equal(pool.allowUnauthenticatedIdentities, false);
    assert.equal(pool.allowClassicFlow, false);
    const cognito = run.outputs.cognito as Record<string, string>;
    assert.deepEqual(pool.cognitoIdentityProviders, [
      { providerName: cognito.issuerUrl.replace("https://", ""), clientId: cognito.clientId, serverSideTokenCheck: true },
    ]);
    assert.match(pool.identityPoolName, /^[\w\s+=,.@-]{1,128}$/, "CreateIdentityPool's name pattern");
  });

  it("hands out a role trusted by this pool's signed-in identities alone, that may read map tiles and nothing else", () => {
    const role = run.find(T.role, "maps-readers");
    const pool = run.find(POOL);
    assert.deepEqual(policyJson(role.inputs.assumeRolePolicy).Statement, [
      {
        Effect: "Allow",
        Principal: { Federated: "cognito-identity.amazonaws.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { "cognito-identity.amazonaws.com:aud": pool.id },
          "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
        },
      },
    ]);
    // Style descriptors, glyphs and sprites are fetched unsigned; only tiles need credentials.
    const permissions = run.byType(T.rolePolicy).filter((p) => p.inputs.role === role.inputs.name);
    assert.deepEqual(
      permissions.map((p) => policyJson(p.inputs.policy).Statement),
      [[{ Effect: "Allow", Action: "geo-maps:GetTile", Resource: "arn:aws:geo-maps:ap-south-1::provider/default" }]],
    );
    assert.deepEqual(run.find(ATTACHMENT).inputs, { identityPoolId: pool.id, roles: { authenticated: `arn:aws:iam::123456789012:role/${role.inputs.name}` } });
  });

  it("tells the app its style and pool in /config.json, and lets the CSP reach the tiles and Cognito's identities, with workers from the app's own files", () => {
    assert.deepEqual(siteConfigOf(run).map, {
      styleUrl: "https://maps.geo.ap-south-1.amazonaws.com/v2/styles/Standard/descriptor",
      identityPoolId: run.find(POOL).id,
      loginProvider: (run.outputs.cognito as Record<string, string>).issuerUrl.replace("https://", ""),
    });
    const csp = cspOf(run);
    assert.match(csp, /connect-src 'self' [^;]* https:\/\/maps\.geo\.ap-south-1\.amazonaws\.com https:\/\/cognito-identity\.ap-south-1\.amazonaws\.com(;|$)/);
    assert.match(csp, /worker-src 'self'(;|$)/);
  });

  it("takes the style from tms:maps.style, and refuses one Amazon Location does not have", async () => {
    const monochrome = await runStack("dev", { "tms:maps": { style: "Monochrome" } });
    assert.equal(siteConfigOf(monochrome).map.styleUrl, "https://maps.geo.ap-south-1.amazonaws.com/v2/styles/Monochrome/descriptor");
    await assert.rejects(
      runStack("dev", { "tms:maps": { style: "Streets" } }),
      /tms:maps\.style: got "Streets"; expected one of "Standard", "Monochrome", "Hybrid", "Satellite"/,
    );
  });

  it("is left out with the estimate provider: no pool, no role, no map in /config.json and no extra CSP origins", async () => {
    const estimate = await runStack("dev", { "tms:maps": { provider: "estimate" } });
    assert.equal(estimate.byType(POOL).length, 0);
    assert.equal(estimate.byType(T.role).filter((r) => r.name === "maps-readers").length, 0);
    assert.equal(siteConfigOf(estimate).map, undefined);
    assert.doesNotMatch(cspOf(estimate), /maps\.geo|cognito-identity/);
  });
});
