import { strict as assert } from "assert";
import { randomUUID } from "crypto";
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { UserExistsError, cognitoDirectory, localDirectory } from "../../handlers/lib/directory";
import { apiHandler } from "../../handlers/lib/http";
import { usersOperations } from "../../handlers/users/api";
import { call, claims, fleet, newOrg, newTrip, request, testDb, tripsApp } from "./support";

async function usersApp() {
  const directory = localDirectory();
  const db = await testDb();
  return { directory, app: apiHandler("users", usersOperations, async () => ({ db, directory })) };
}

const email = (who: string) => `${who}.${Math.random().toString(36).slice(2, 8)}@example.in`;

describe("handlers: the organisation's users", () => {
  it("lets an administrator invite a user into their own organisation, with groups, and lists them", async () => {
    const { app, directory } = await usersApp();
    const org = newOrg();
    const admin = claims(org, "admin", "admin-sub");
    const address = email("ravi");
    const invited = await request(app, "post", "/api/users", { claims: admin, body: { email: address, name: "Ravi Kumar", roles: ["driver"] } });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    assert.deepEqual(
      { ...invited.body, sub: "", createdAt: "", updatedAt: "" },
      {
        sub: "",
        email: address,
        name: "Ravi Kumar",
        roles: ["driver"],
        enabled: true,
        createdAt: "",
        updatedAt: "",
      },
    );
    const inCognito = directory.users.get(invited.body.sub)!;
    assert.equal(inCognito.orgId, org, "custom:org_id is the administrator's own organisation");
    assert.deepEqual([...inCognito.groups], ["driver"]);

    const drivers = await request(app, "get", "/api/users", { claims: claims(org, "dispatcher"), query: { role: "driver", enabled: "true" } });
    assert.deepEqual(
      drivers.body.users.map((u) => u.sub),
      [invited.body.sub],
      "a dispatcher picks drivers from the directory",
    );
    assert.equal((await call(app, "GET", "/api/users", { claims: claims(org, "driver") })).status, 403);
    assert.equal((await call(app, "POST", "/api/users", { claims: claims(org, "dispatcher"), body: { email: email("x"), roles: ["admin"] } })).status, 403);
  });

  it("never touches another organisation's users, nor invites into another organisation", async () => {
    const { app, directory } = await usersApp();
    const [orgA, orgB] = [newOrg(), newOrg()];
    const address = email("meera");
    const a = await call(app, "POST", "/api/users", { claims: claims(orgA, "admin"), body: { email: address, roles: ["dispatcher"] } });
    const adminB = claims(orgB, "admin");

    const patch = await call(app, "PATCH", `/api/users/${a.body.sub}`, { claims: adminB, body: { roles: ["admin"] } });
    assert.equal(patch.status, 404, "another organisation's user is not found");
    const disable = await call(app, "PATCH", `/api/users/${a.body.sub}`, { claims: adminB, body: { enabled: false } });
    assert.equal(disable.status, 404);
    assert.deepEqual([...directory.users.get(a.body.sub)!.groups], ["dispatcher"], "unchanged in Cognito");
    assert.equal(directory.users.get(a.body.sub)!.enabled, true);

    const list = await call(app, "GET", "/api/users", { claims: adminB });
    assert.ok(!JSON.stringify(list.body).includes(a.body.sub));
    const again = await call(app, "POST", "/api/users", { claims: adminB, body: { email: address.toUpperCase(), roles: ["admin"] } });
    assert.equal(again.status, 409, "a taken email cannot be re-invited into another organisation");
    assert.equal(again.body.error.code, "user_exists");
    const smuggled = await call(app, "POST", "/api/users", { claims: adminB, body: { email: email("z"), roles: ["admin"], orgId: orgA } });
    assert.equal(smuggled.status, 400, "the organisation is never taken from the request");
  });

  it("changes roles and access in Cognito and the directory together, but never the administrator's own", async () => {
    const { app, directory } = await usersApp();
    const org = newOrg();
    const adminSub = randomUUID();
    const admin = claims(org, "admin", adminSub);
    const user = await call(app, "POST", "/api/users", { claims: admin, body: { email: email("anil"), roles: ["driver"] } });
    const changed = await request(app, "patch", "/api/users/{sub}", {
      params: { sub: user.body.sub },
      claims: admin,
      body: { roles: ["dispatcher", "viewer"] },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(changed.body.roles, ["dispatcher", "viewer"]);
    assert.deepEqual([...directory.users.get(user.body.sub)!.groups].sort(), ["dispatcher", "viewer"]);
    const disabled = await call(app, "PATCH", `/api/users/${user.body.sub}`, { claims: admin, body: { enabled: false } });
    assert.equal(disabled.body.enabled, false);
    assert.equal(directory.users.get(user.body.sub)!.enabled, false);
    const enabled = await call(app, "PATCH", `/api/users/${user.body.sub}`, { claims: admin, body: { enabled: true } });
    assert.equal(directory.users.get(user.body.sub)!.enabled, true);
    assert.equal(enabled.body.enabled, true);

    const db = await testDb();
    // The administrator as a pool's first admin is: created by the operator, in Cognito and the directory.
    directory.users.set(adminSub, { email: email("self"), orgId: org, groups: new Set(["admin"]), enabled: true });
    await db.query("INSERT INTO users (org_id, sub, email, roles) VALUES ($1, $2, $3, '{admin}')", [org, adminSub, directory.users.get(adminSub)!.email]);
    for (const body of [{ enabled: false }, { roles: ["dispatcher"] }]) {
      const self = await call(app, "PATCH", `/api/users/${adminSub}`, { claims: admin, body });
      assert.equal(self.status, 409, JSON.stringify(self.body));
      assert.equal(self.body.error.code, "cannot_change_self");
    }
    assert.equal((await call(app, "PATCH", `/api/users/${adminSub}`, { claims: admin, body: { roles: ["admin", "dispatcher"] } })).status, 200);
  });
});

describe("handlers: a trip's driver comes from the directory", () => {
  it("takes only an enabled driver of the organisation, by subject", async () => {
    const { app: users } = await usersApp();
    const trips = await tripsApp();
    const { org, dispatcher, vehicleId } = await fleet(trips);
    const admin = claims(org, "admin");
    const invite = async (roles: string[]) =>
      (await call(users, "POST", "/api/users", { claims: admin, body: { email: email("u"), roles } })).body.sub as string;
    const [driver, viewer, disabled] = [await invite(["driver"]), await invite(["viewer"]), await invite(["driver"])];
    await call(users, "PATCH", `/api/users/${disabled}`, { claims: admin, body: { enabled: false } });
    const stranger = await invite(["driver"]);
    const elsewhere = (await call(users, "POST", "/api/users", { claims: claims(newOrg(), "admin"), body: { email: email("w"), roles: ["driver"] } })).body.sub;

    assert.equal((await call(trips, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId, driverId: driver }) })).status, 201);
    for (const driverId of [viewer, disabled, elsewhere, "someone-made-up"]) {
      const refused = await call(trips, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId, driverId }) });
      assert.equal(refused.status, 400, driverId);
      assert.equal(refused.body.error.code, "unknown_driver");
    }
    const trip = (await call(trips, "POST", "/api/trips", { claims: dispatcher, body: newTrip({ vehicleId }) })).body;
    const assigned = await call(trips, "PATCH", `/api/trips/${trip.id}`, { claims: dispatcher, headers: { "if-match": '"1"' }, body: { driverId: stranger } });
    assert.equal(assigned.status, 200, "assigning a driver later goes through the same check");
    const wrong = await call(trips, "PATCH", `/api/trips/${trip.id}`, { claims: dispatcher, headers: { "if-match": '"2"' }, body: { driverId: elsewhere } });
    assert.equal(wrong.body.error.code, "unknown_driver");
  });
});

describe("users: Cognito as the directory", () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  afterEach(() => cognito.reset());
  after(() => cognito.restore());

  it("creates the user with the organisation as custom:org_id and an emailed invitation, then manages groups and access by sub", async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: "sub", Value: "9d1f0c3e-0000-4000-8000-000000000001" }] } });
    const directory = cognitoDirectory("ap-south-1_Pool", "ap-south-1");
    const sub = await directory.invite({ email: "asha@example.in", name: "Asha", orgId: "acme" });
    assert.equal(sub, "9d1f0c3e-0000-4000-8000-000000000001");
    assert.deepEqual(cognito.commandCalls(AdminCreateUserCommand)[0].args[0].input, {
      UserPoolId: "ap-south-1_Pool",
      Username: "asha@example.in",
      DesiredDeliveryMediums: ["EMAIL"],
      UserAttributes: [
        { Name: "email", Value: "asha@example.in" },
        { Name: "email_verified", Value: "true" },
        { Name: "custom:org_id", Value: "acme" },
        { Name: "name", Value: "Asha" },
      ],
    });
    await directory.addToGroups(sub, ["driver", "viewer"]);
    await directory.removeFromGroups(sub, ["viewer"]);
    await directory.setEnabled(sub, false);
    assert.deepEqual(
      cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input.GroupName),
      ["driver", "viewer"],
    );
    assert.equal(cognito.commandCalls(AdminRemoveUserFromGroupCommand)[0].args[0].input.Username, sub);
    assert.deepEqual(cognito.commandCalls(AdminDisableUserCommand)[0].args[0].input, { UserPoolId: "ap-south-1_Pool", Username: sub });
  });

  it("reports a taken email as UserExistsError", async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: "exists", $metadata: {} }));
    await assert.rejects(cognitoDirectory("ap-south-1_Pool", "ap-south-1").invite({ email: "a@b.in", orgId: "acme" }), UserExistsError);
  });
});
