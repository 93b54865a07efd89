-- One row per provider task, from the user's request to the delivered message.
CREATE TABLE jobs (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT    NOT NULL CHECK (kind IN ('text', 'image', 'extend', 'aleph')),
    prompt               TEXT    NOT NULL,
    aspect_ratio         TEXT,
    duration             INTEGER NOT NULL,
    quality              TEXT    NOT NULL,
    watermark            TEXT    NOT NULL DEFAULT '',
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
                             'submitting', 'queued', 'generating', 'succeeded',
                             'delivered', 'undeliverable', 'failed', 'cancelled')),
    video_url            TEXT,
    image_url            TEXT,
    failure_code         TEXT,
    failure_message      TEXT,
    failure_reported     INTEGER NOT NULL DEFAULT 0 CHECK (failure_reported IN (0, 1)),
    delivered_chat_id    INTEGER,
    delivered_message_id INTEGER,
    delivered_file_id    TEXT,
    next_poll_at         TEXT,
    poll_count           INTEGER NOT NULL DEFAULT 0,
    cost                 INTEGER NOT NULL DEFAULT 0,
    publish_channel_id   INTEGER,
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL
);

-- Many jobs have no task id yet (NULLs never collide); a task id, once known, is unique.
CREATE UNIQUE INDEX jobs_by_task_id ON jobs (task_id);
CREATE UNIQUE INDEX jobs_by_callback_token ON jobs (callback_token);
CREATE INDEX jobs_by_delivery ON jobs (delivered_chat_id, delivered_message_id);
CREATE INDEX jobs_by_chat ON jobs (chat_id, created_at);
CREATE INDEX jobs_by_poll ON jobs (state, next_poll_at);
CREATE INDEX jobs_by_user ON jobs (user_id, created_at);

-- A chat's default generation options (/settings).
CREATE TABLE chat_settings (
    chat_id      INTEGER PRIMARY KEY,
    aspect_ratio TEXT,
    duration     INTEGER NOT NULL,
    quality      TEXT    NOT NULL,
    watermark    TEXT    NOT NULL DEFAULT ''
);

-- The channel a chat publishes its finished videos to.
CREATE TABLE channel_bindings (
    chat_id    INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    title      TEXT    NOT NULL
);
