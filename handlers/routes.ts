/**
 * The route table: every HTTP route of the TMS API, the function that serves
 * it, and who may call it. The handlers dispatch by it; the ApiTier creates
 * exactly these routes with exactly this authorization.
 */
import type { FunctionName } from "../rules/functions";

export const ROLES = ["admin", "dispatcher", "driver", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export type HttpMethod = "GET" | "POST" | "PATCH";

export interface Route {
  method: HttpMethod;
  /** API Gateway path template; `{name}` is a path parameter. */
  path: string;
  function: FunctionName;
  /** The operation inside the function. */
  operation: string;
  /** "jwt": the Cognito authorizer must pass; "none": public (the health check and the API's OpenAPI document only). */
  auth: "jwt" | "none";
  /** Roles (Cognito groups) allowed; empty for public routes. */
  roles: readonly Role[];
  /** Its documented bodies exceed 8 KB (a batch of 500 positions is 60-80 KB), so no WAF rule may cut them there. */
  largeBody?: true;
}

const EVERYONE: readonly Role[] = ROLES;
const MANAGERS: readonly Role[] = ["admin", "dispatcher"];
const ADMINS: readonly Role[] = ["admin"];
const FIELD: readonly Role[] = ["admin", "dispatcher", "driver"];
/** Who sees the whole fleet: not drivers, who see their own trip. */
const WATCHERS: readonly Role[] = ["admin", "dispatcher", "viewer"];

export const ROUTES: readonly Route[] = [
  { method: "GET", path: "/api/health", function: "trips", operation: "health", auth: "none", roles: [] },
  { method: "GET", path: "/api/me", function: "trips", operation: "me", auth: "jwt", roles: EVERYONE },
  { method: "GET", path: "/api/openapi.json", function: "trips", operation: "openapi", auth: "none", roles: [] },

  { method: "POST", path: "/api/vehicles", function: "trips", operation: "createVehicle", auth: "jwt", roles: MANAGERS },
  { method: "GET", path: "/api/vehicles", function: "trips", operation: "listVehicles", auth: "jwt", roles: EVERYONE },

  { method: "POST", path: "/api/trips", function: "trips", operation: "createTrip", auth: "jwt", roles: MANAGERS },
  { method: "GET", path: "/api/trips", function: "trips", operation: "listTrips", auth: "jwt", roles: EVERYONE },
  { method: "GET", path: "/api/trips/{tripId}", function: "trips", operation: "getTrip", auth: "jwt", roles: EVERYONE },
  { method: "PATCH", path: "/api/trips/{tripId}", function: "trips", operation: "updateTrip", auth: "jwt", roles: FIELD },

  { method: "POST", path: "/api/trips/{tripId}/documents", function: "trips", operation: "requestUpload", auth: "jwt", roles: FIELD },
  { method: "POST", path: "/api/trips/{tripId}/documents/{documentId}/confirm", function: "trips", operation: "confirmUpload", auth: "jwt", roles: FIELD },
  { method: "GET", path: "/api/trips/{tripId}/documents", function: "trips", operation: "listDocuments", auth: "jwt", roles: EVERYONE },

  { method: "POST", path: "/api/positions", function: "tracking", operation: "ingestPositions", auth: "jwt", roles: FIELD, largeBody: true },
  { method: "GET", path: "/api/vehicles/{vehicleId}/position", function: "tracking", operation: "latestPosition", auth: "jwt", roles: EVERYONE },
  { method: "GET", path: "/api/trips/{tripId}/track", function: "tracking", operation: "tripTrack", auth: "jwt", roles: EVERYONE },
  { method: "GET", path: "/api/fleet", function: "tracking", operation: "fleet", auth: "jwt", roles: WATCHERS },

  { method: "GET", path: "/api/users", function: "users", operation: "listUsers", auth: "jwt", roles: MANAGERS },
  { method: "POST", path: "/api/users", function: "users", operation: "inviteUser", auth: "jwt", roles: ADMINS },
  { method: "PATCH", path: "/api/users/{sub}", function: "users", operation: "updateUser", auth: "jwt", roles: ADMINS },

  { method: "GET", path: "/api/maps/geocode", function: "maps", operation: "geocode", auth: "jwt", roles: EVERYONE },
  { method: "GET", path: "/api/maps/reverse-geocode", function: "maps", operation: "reverseGeocode", auth: "jwt", roles: EVERYONE },
  { method: "POST", path: "/api/maps/route", function: "maps", operation: "route", auth: "jwt", roles: EVERYONE },
];

/** `GET /api/trips/{tripId}`, as API Gateway names routes. */
export const routeKey = (route: Pick<Route, "method" | "path">) => `${route.method} ${route.path}`;

/** The route's path as an anchored regular expression (a path parameter is one segment), for WAF rules. */
export const routePathPattern = (route: Pick<Route, "path">) => `^${route.path.replace(/[.+?^$()|[\]\\]/g, "\\$&").replace(/\{\w+\}/g, "[^/]+")}$`;
