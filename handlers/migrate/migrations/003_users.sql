-- The organisation's user directory. Cognito holds the identities and cannot
-- list users by a custom attribute, so the organisation's view of its users is
-- kept here, written by the users API alongside each Cognito call.
CREATE TABLE users (
  org_id      text NOT NULL,
  sub         text NOT NULL,
  email       text NOT NULL,
  name        text,
  roles       text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['admin', 'dispatcher', 'driver', 'viewer']::text[]),
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, sub)
);
-- Cognito's usernames are emails, case-insensitive, unique in the pool.
CREATE UNIQUE INDEX users_by_email ON users (lower(email));
