-- The job lifecycle grows: a line to wait in before the provider (waiting), invoices
-- (awaiting_payment), tool jobs and a second engine, results that are photos, audio or text,
-- failure reasons as words instead of class names, a due time that every open job has, claims
-- so that two workers never handle one job, and resubmissions after the provider's trouble.
-- SQLite cannot change a CHECK constraint, so the table is rebuilt.
CREATE TABLE jobs_v3 (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT    NOT NULL CHECK (kind IN ('text', 'image', 'extend', 'aleph', 'tool')),
    engine               TEXT    NOT NULL DEFAULT 'kie' CHECK (engine IN ('kie', 'runway-ai', 'local')),
    tool                 TEXT,
    prompt               TEXT    NOT NULL,
    aspect_ratio         TEXT,
    duration             INTEGER NOT NULL,
    quality              TEXT    NOT NULL,
    watermark            TEXT    NOT NULL DEFAULT '',
    seed                 INTEGER,
    chat_id              INTEGER NOT NULL,
    thread_id            INTEGER,
    user_id              INTEGER,
    request_message_id   INTEGER,
    language             TEXT    NOT NULL DEFAULT 'en',
    status_message_id    INTEGER,
    task_id              TEXT,
    parent_task_id       TEXT,
    callback_token       TEXT    NOT NULL,
    state                TEXT    NOT NULL CHECK (state IN (
                             'awaiting_payment', 'waiting', 'submitting', 'queued', 'generating',
                             'succeeded', 'delivered', 'undeliverable', 'failed', 'cancelled')),
    result_kind          TEXT CHECK (result_kind IN ('video', 'photo', 'audio', 'text')),
    result_url           TEXT,
    poster_url           TEXT,
    result_text          TEXT,
    failure_reason       TEXT,
    failure_detail       TEXT,
    failure_code         TEXT,
    failure_reported     INTEGER NOT NULL DEFAULT 0 CHECK (failure_reported IN (0, 1)),
    delivered_chat_id    INTEGER,
    delivered_message_id INTEGER,
    delivered_file_id    TEXT,
    due_at               TEXT,
    checks               INTEGER NOT NULL DEFAULT 0,
    attempt              INTEGER NOT NULL DEFAULT 0,
    submitted_at         TEXT,
    claim_owner          TEXT,
    claim_until          TEXT,
    cost                 INTEGER NOT NULL DEFAULT 0,
    price_stars          INTEGER NOT NULL DEFAULT 0,
    payment              TEXT CHECK (payment IN ('balance', 'invoice')),
    publish_channel_id   INTEGER,
    source_id            TEXT,
    reference_id         TEXT,
    input_url            TEXT,
    reference_url        TEXT,
    note                 TEXT,
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL
);

INSERT INTO jobs_v3 (
    id, kind, prompt, aspect_ratio, duration, quality, watermark,
    chat_id, thread_id, user_id, request_message_id, language, status_message_id,
    task_id, parent_task_id, callback_token, state,
    result_kind, result_url, poster_url,
    failure_reason, failure_detail, failure_code, failure_reported,
    delivered_chat_id, delivered_message_id, delivered_file_id,
    due_at, checks, attempt, submitted_at, cost, publish_channel_id, source_id,
    created_at, updated_at
)
SELECT
    id, kind, prompt, aspect_ratio, duration, quality, watermark,
    chat_id, thread_id, user_id, request_message_id, language, status_message_id,
    task_id, parent_task_id, callback_token, state,
    CASE WHEN video_url IS NULL THEN NULL ELSE 'video' END, video_url, image_url,
    CASE
        WHEN state NOT IN ('failed', 'undeliverable') THEN NULL
        WHEN failure_code IN ('interrupted', 'timeout') THEN failure_code
        WHEN failure_code IN ('402', 'InsufficientCreditsError') THEN 'no_credits'
        WHEN failure_code IN ('400', '422', '451', 'ProviderRejectedError') THEN 'refused'
        WHEN failure_code IN ('401', '505') THEN 'misconfigured'
        WHEN failure_code IN ('429', '455', '500', '502', '503', '504', 'ProviderUnavailableError')
            THEN 'provider_down'
        WHEN failure_code = 'no_video' THEN 'no_result'
        ELSE 'generation_failed'
    END,
    failure_message, failure_code, failure_reported,
    delivered_chat_id, delivered_message_id, delivered_file_id,
    CASE
        WHEN state IN ('queued', 'generating') THEN next_poll_at
        WHEN state IN ('submitting', 'succeeded') THEN updated_at
        WHEN state = 'failed' AND failure_reported = 0 THEN updated_at
        ELSE NULL
    END,
    poll_count, CASE WHEN state = 'submitting' THEN 1 ELSE 0 END,
    CASE WHEN state = 'submitting' THEN updated_at ELSE NULL END,
    cost, publish_channel_id, source_id,
    created_at, updated_at
FROM jobs;

DROP TABLE jobs;
ALTER TABLE jobs_v3 RENAME TO jobs;

CREATE UNIQUE INDEX jobs_by_task_id ON jobs (task_id);
CREATE UNIQUE INDEX jobs_by_callback_token ON jobs (callback_token);
CREATE INDEX jobs_by_delivery ON jobs (delivered_chat_id, delivered_message_id);
CREATE INDEX jobs_by_chat ON jobs (chat_id, created_at);
CREATE INDEX jobs_by_status_message ON jobs (chat_id, status_message_id);
CREATE INDEX jobs_by_user ON jobs (user_id, created_at);
-- Open jobs only: the due worker's scan stays small however long the history grows.
CREATE INDEX jobs_due ON jobs (due_at) WHERE due_at IS NOT NULL AND state <> 'waiting';
CREATE INDEX jobs_in_line ON jobs (engine, id) WHERE state = 'waiting';
CREATE INDEX jobs_active_by_user ON jobs (user_id)
    WHERE state IN ('waiting', 'submitting', 'queued', 'generating');

-- Which engine a chat's /video uses, where both are configured (NULL: the bot's default).
ALTER TABLE chat_settings ADD COLUMN engine TEXT CHECK (engine IN ('kie', 'runway-ai'));

-- ForceReply prompts the bot waits an answer to (Extend, Restyle, watermark), so a reply
-- after a restart is still understood; they expire after a day.
CREATE TABLE prompts (
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    awaiting   TEXT    NOT NULL CHECK (awaiting IN ('extend', 'restyle', 'watermark')),
    job_id     INTEGER,
    user_id    INTEGER,
    expires_at TEXT    NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

-- /healthz writes here: a database that answers reads but refuses writes is not healthy.
CREATE TABLE heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
