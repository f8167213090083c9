/** The organisation's users, for administrators: invite with roles, change roles, disable and enable. */
import { FormEvent, useCallback, useEffect, useState } from "react";
import type { Answer, Api } from "../api";
import { Notice, messageOf } from "../ui";

type User = Answer<"/api/users", "get">["users"][number];
const ROLES = ["admin", "dispatcher", "driver", "viewer"] as const;

export function Users({ api }: { api: Api }) {
  const [users, setUsers] = useState<User[]>();
  const [error, setError] = useState<string>();
  const load = useCallback(
    () =>
      api("get", "/api/users")
        .then(({ body }) => setUsers(body.users))
        .catch((err) => setError(messageOf(err))),
    [api],
  );
  useEffect(() => void load(), [load]);

  const run = async (work: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await work();
      await load();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const invite = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    const roles = ROLES.filter((r) => d.get(`role-${r}`));
    if (roles.length === 0) return setError("choose at least one role");
    run(async () => {
      await api("post", "/api/users", { body: { email: String(d.get("email")), name: String(d.get("name")) || undefined, roles } });
      form.reset();
    });
  };
  const toggleRole = (u: User, role: (typeof ROLES)[number]) => {
    const roles = u.roles.includes(role) ? u.roles.filter((r) => r !== role) : [...u.roles, role];
    if (roles.length === 0) return setError("a user keeps at least one role; disable them instead");
    run(() => api("patch", "/api/users/{sub}", { params: { sub: u.sub }, body: { roles } }));
  };

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      {error ? (
        <Notice kind="error" title="Something went wrong">
          {error}
        </Notice>
      ) : null}
      <form className="inline" onSubmit={invite} aria-label="Invite a user">
        <label>
          Email <input name="email" type="email" required />
        </label>
        <label>
          Name <input name="name" maxLength={100} />
        </label>
        <fieldset>
          <legend>Roles</legend>
          {ROLES.map((r) => (
            <label key={r}>
              <input type="checkbox" name={`role-${r}`} defaultChecked={r === "driver"} /> {r}
            </label>
          ))}
        </fieldset>
        <button type="submit">Invite</button>
      </form>
      {!users ? (
        <Notice kind="loading" title="Loading users…" />
      ) : users.length === 0 ? (
        <Notice kind="empty" title="No invited users yet" />
      ) : (
        <table>
          <caption>Users invited through the app</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Roles</th>
              <th scope="col">Access</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.sub}>
                <th scope="row">
                  {u.name ?? u.email}
                  <div className="muted">{u.email}</div>
                </th>
                <td>
                  {ROLES.map((r) => (
                    <label key={r}>
                      <input type="checkbox" checked={u.roles.includes(r)} onChange={() => toggleRole(u, r)} /> {r}
                    </label>
                  ))}
                </td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => run(() => api("patch", "/api/users/{sub}", { params: { sub: u.sub }, body: { enabled: !u.enabled } }))}
                  >
                    {u.enabled ? "Disable" : "Enable"}
                  </button>
                  {u.enabled ? null : <span className="status">disabled</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
