/**
 * The organisation's users. Administrators invite, change roles, disable and
 * enable; dispatchers list them to pick a trip's driver (a trip's `driverId`
 * is the user's `sub`). The organisation always comes from the caller's own
 * verified claim: no request can name another organisation, and a user of
 * another organisation is simply not found.
 */
import * as z from "zod";
import { ResponseSpec, instant } from "../lib/contract";
import type { Db } from "../lib/db";
import { UserDirectory, UserExistsError } from "../lib/directory";
import { conflict, notFound } from "../lib/errors";
import { Operations, json } from "../lib/http";
import { logger } from "../lib/log";
import { RequestSchemas, parse, text, uuid } from "../lib/validation";
import { ROLES, Role } from "../routes";

export interface UsersDeps {
  db: Db;
  directory: UserDirectory;
}

const roles = z
  .array(z.enum(ROLES))
  .min(1)
  .max(ROLES.length)
  .refine((r) => new Set(r).size === r.length, { message: "expected each role once" });

/** What each operation accepts (the tests generate requests from these). */
export const usersRequests = {
  listUsers: { query: z.strictObject({ role: z.enum(ROLES).optional(), enabled: z.enum(["true", "false"]).optional() }) },
  inviteUser: { body: z.strictObject({ email: z.email().max(254), name: text({ max: 100 }).optional(), roles }) },
  updateUser: {
    path: z.strictObject({ sub: uuid }),
    body: z
      .strictObject({ roles: roles.optional(), enabled: z.boolean().optional() })
      .refine((b) => Object.keys(b).length > 0, { message: "nothing to update" }),
  },
} as const satisfies Record<string, RequestSchemas>;

const userOut = z.strictObject({
  sub: z.string().describe("the user's subject (Cognito `sub`): a trip's driverId names a driver by it"),
  email: z.string(),
  name: z.string().nullable(),
  roles: z.array(z.enum(ROLES)),
  enabled: z.boolean(),
  createdAt: instant,
  updatedAt: instant,
});

/** What each operation answers (handlers/openapi.ts documents it; the tests hold every response to it). */
export const usersResponses = {
  listUsers: { ok: { status: 200, description: "the organisation's users, by email", body: z.strictObject({ users: z.array(userOut) }) } },
  inviteUser: {
    ok: { status: 201, description: "the invited user; Cognito emails them a temporary password", body: userOut },
    errors: { 409: ["user_exists"] },
  },
  updateUser: {
    ok: { status: 200, description: "the user as updated", body: userOut },
    errors: { 404: ["not_found"], 409: ["cannot_change_self"] },
  },
} satisfies Record<keyof typeof usersRequests, ResponseSpec>;

interface UserRow {
  org_id: string;
  sub: string;
  email: string;
  name: string | null;
  roles: Role[];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const userJson = (u: UserRow) => ({
  sub: u.sub,
  email: u.email,
  name: u.name,
  roles: u.roles,
  enabled: u.enabled,
  createdAt: u.created_at.toISOString(),
  updatedAt: u.updated_at.toISOString(),
});

export const usersOperations: Operations<UsersDeps> = {
  async listUsers(request, { db }) {
    const q = parse(usersRequests.listUsers.query, request.query, "query");
    const { rows } = await db.query<UserRow>(
      `SELECT * FROM users WHERE org_id = $1 AND ($2::text IS NULL OR $2 = ANY(roles)) AND ($3::boolean IS NULL OR enabled = $3)
       ORDER BY lower(email) LIMIT 1000`,
      [request.auth.orgId, q.role ?? null, q.enabled === undefined ? null : q.enabled === "true"],
    );
    return json(200, { users: rows.map(userJson) });
  },

  async inviteUser(request, { db, directory }) {
    const body = parse(usersRequests.inviteUser.body, request.body, "body");
    const { rowCount } = await db.query("SELECT 1 FROM users WHERE lower(email) = lower($1)", [body.email]);
    if (rowCount) throw conflict("user_exists", `a user with the email ${body.email} already exists`);
    let sub: string;
    try {
      // The organisation is the administrator's own: nobody can be invited into another.
      sub = await directory.invite({ email: body.email, name: body.name, orgId: request.auth.orgId });
    } catch (err) {
      if (err instanceof UserExistsError) throw conflict("user_exists", err.message);
      throw err;
    }
    await directory.addToGroups(sub, body.roles);
    const { rows } = await db.query<UserRow>("INSERT INTO users (org_id, sub, email, name, roles) VALUES ($1, $2, $3, $4, $5) RETURNING *", [
      request.auth.orgId,
      sub,
      body.email,
      body.name ?? null,
      body.roles,
    ]);
    logger.info("user invited", { by: request.auth.userId, sub, roles: body.roles });
    return json(201, userJson(rows[0]));
  },

  async updateUser(request, { db, directory }) {
    const { sub } = parse(usersRequests.updateUser.path, request.params, "path");
    const body = parse(usersRequests.updateUser.body, request.body, "body");
    const { rows } = await db.query<UserRow>("SELECT * FROM users WHERE org_id = $1 AND sub = $2", [request.auth.orgId, sub]);
    const user = rows[0];
    if (!user) throw notFound("user");
    // An administrator cannot lock themselves out: another administrator has to.
    if (sub === request.auth.userId && (body.enabled === false || (body.roles && !body.roles.includes("admin")))) {
      throw conflict("cannot_change_self", "you cannot disable yourself or give up your own admin role; ask another administrator");
    }
    if (body.roles) {
      await directory.addToGroups(
        sub,
        body.roles.filter((r) => !user.roles.includes(r)),
      );
      await directory.removeFromGroups(
        sub,
        user.roles.filter((r) => !body.roles!.includes(r)),
      );
    }
    if (body.enabled !== undefined && body.enabled !== user.enabled) await directory.setEnabled(sub, body.enabled);
    const updated = await db.query<UserRow>(
      "UPDATE users SET roles = coalesce($3, roles), enabled = coalesce($4, enabled), updated_at = now() WHERE org_id = $1 AND sub = $2 RETURNING *",
      [request.auth.orgId, sub, body.roles ?? null, body.enabled ?? null],
    );
    logger.info("user updated", { by: request.auth.userId, sub, roles: body.roles, enabled: body.enabled });
    return json(200, userJson(updated.rows[0]));
  },
};
