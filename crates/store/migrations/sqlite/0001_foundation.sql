-- Foundation: the organisation tree, people, role grants, sessions, API tokens, the audit log
-- and the change log that the search index follows. Instants are BIGINT milliseconds.

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    parent_id BIGINT CONSTRAINT organisations_parent_fk REFERENCES organisations (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    kind TEXT NOT NULL CONSTRAINT organisations_kind_check
        CHECK (kind IN ('national', 'province', 'city', 'district', 'enterprise', 'branch', 'department', 'external')),
    path TEXT NOT NULL,
    archived_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT organisations_code_key UNIQUE (code)
);
CREATE INDEX organisations_path_idx ON organisations (path);
CREATE INDEX organisations_parent_idx ON organisations (parent_id, name);
-- Sibling names are unique among live organisations; roots (no parent) are checked the same way.
CREATE UNIQUE INDEX organisations_sibling_name_key ON organisations (COALESCE(parent_id, 0), name) WHERE archived_at IS NULL;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL CONSTRAINT users_org_fk REFERENCES organisations (id),
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT NOT NULL,
    lang TEXT CONSTRAINT users_lang_check CHECK (lang IN ('zh', 'en')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT,
    password_changed_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username)
);
CREATE INDEX users_org_idx ON users (org_id);

CREATE TABLE role_grants (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL CONSTRAINT role_grants_user_fk REFERENCES users (id),
    role TEXT NOT NULL CONSTRAINT role_grants_role_check
        CHECK (role IN ('employee', 'reviewer', 'finance_officer', 'studio_lead', 'unit_admin', 'federation_admin', 'expert', 'programme_officer')),
    org_id BIGINT NOT NULL CONSTRAINT role_grants_org_fk REFERENCES organisations (id),
    granted_by BIGINT CONSTRAINT role_grants_granted_by_fk REFERENCES users (id),
    granted_at BIGINT NOT NULL,
    CONSTRAINT role_grants_user_role_org_key UNIQUE (user_id, role, org_id)
);
CREATE INDEX role_grants_org_idx ON role_grants (org_id);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL,
    user_id BIGINT NOT NULL CONSTRAINT sessions_user_fk REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL CONSTRAINT api_tokens_user_fk REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    prefix TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Append-only: no foreign keys, so that the log outlives anything it mentions.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor_label TEXT NOT NULL,
    channel TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    request_id TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id BIGINT,
    -- What a reader calls the object (a name, a username), as it was at the time.
    object_label TEXT,
    org_id BIGINT,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_org_idx ON audit_log (org_id, at);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Every change to a searchable object, in commit order, for indexes to catch up from.
CREATE TABLE change_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    object_type TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    op TEXT NOT NULL CONSTRAINT change_log_op_check CHECK (op IN ('upsert', 'delete'))
);
