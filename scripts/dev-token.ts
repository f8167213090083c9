/**
 * npm run dev:token -- --org <org id> --role <admin|dispatcher|driver|viewer> [--sub <user id>] [--ttl <seconds>]
 *
 * Prints a development token that only `npm run dev` accepts.
 */
import { ROLES } from "../handlers/routes";
import { CommandIo, fail, parseOptions, run } from "./local/cli";
import { isRole, signDevToken } from "./local/dev-auth";

const USAGE = `usage: npm run -s dev:token -- --org <org id> --role <${ROLES.join("|")}> [--sub <user id>] [--ttl <seconds>]`;

function main(io: CommandIo): number {
  const values = parseOptions({ org: { type: "string" }, role: { type: "string" }, sub: { type: "string" }, ttl: { type: "string" } }, USAGE, io.args);
  if (!values.org || !/^[A-Za-z0-9_-]{1,64}$/.test(values.org)) return fail(2, `--org must be 1-64 letters, digits, "-" or "_"\n${USAGE}`);
  if (!values.role || !isRole(values.role)) return fail(2, `--role must be one of ${ROLES.join(", ")}\n${USAGE}`);
  const ttlSeconds = values.ttl === undefined ? undefined : Number(values.ttl);
  if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) return fail(2, `--ttl must be a positive number of seconds\n${USAGE}`);
  io.out(`${signDevToken({ org: values.org, role: values.role, sub: values.sub, ttlSeconds })}\n`);
  return 0;
}

run({ main });
