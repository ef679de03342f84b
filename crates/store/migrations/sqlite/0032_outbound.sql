-- Notifications that leave Ingot: e-mail through SMTP and webhooks to other systems. Each is a
-- row of an outbox written in the same transaction as what it tells of, and sent by whichever
-- server claims it first, so that several servers send it once; a failed attempt is retried
-- later, further apart each time, until it is given up.

-- Whether a person wants an e-mail for each notification (the daily digest, when on, is
-- e-mailed to those with an address whatever this says).
ALTER TABLE users ADD COLUMN mail_each_notification BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL CONSTRAINT mail_outbox_user_fk REFERENCES users (id),
    kind TEXT NOT NULL CONSTRAINT mail_outbox_kind_check CHECK (kind IN ('digest', 'notification')),
    -- The digest's or the notification's id: one e-mail each, however many servers run.
    subject_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- A server sending it holds it until then; past it another may try.
    claimed_until BIGINT,
    sent_at BIGINT,
    given_up_at BIGINT,
    last_error TEXT,
    CONSTRAINT mail_outbox_once_key UNIQUE (kind, subject_id)
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND given_up_at IS NULL;

-- An organisation's subscription to the events of its subtree, for a system that listens
-- (Ingot's own signed JSON) or a group bot (WeCom, DingTalk, Feishu).
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL CONSTRAINT webhooks_org_fk REFERENCES organisations (id),
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    format TEXT NOT NULL CONSTRAINT webhooks_format_check
        CHECK (format IN ('ingot', 'wecom', 'dingtalk', 'feishu')),
    secret TEXT NOT NULL,
    -- Event kinds separated by commas, or '*' for every event.
    events TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT CONSTRAINT webhooks_created_by_fk REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX webhooks_org_idx ON webhooks (org_id) WHERE active;

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    webhook_id BIGINT NOT NULL CONSTRAINT webhook_deliveries_webhook_fk REFERENCES webhooks (id),
    event_kind TEXT NOT NULL,
    -- The JSON sent (Ingot's format); a bot's message is made from it when sending.
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    delivered_at BIGINT,
    given_up_at BIGINT,
    last_status BIGINT,
    last_error TEXT
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);
