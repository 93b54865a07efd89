-- ForceReply prompts may also ask for a tool's parameters (the Tools button under a result):
-- trim times, a speed, a video or photo size, words for a photo. SQLite cannot change a CHECK,
-- so the table is built again with the wider one; its rows are kept.
CREATE TABLE prompts_v4 (
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    awaiting   TEXT    NOT NULL CHECK (awaiting IN (
                   'extend', 'restyle', 'watermark',
                   'trim', 'speed', 'resize', 'photo-size', 'text'
               )),
    job_id     INTEGER,
    user_id    INTEGER,
    expires_at TEXT    NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
INSERT INTO prompts_v4 (chat_id, message_id, awaiting, job_id, user_id, expires_at)
    SELECT chat_id, message_id, awaiting, job_id, user_id, expires_at FROM prompts;
DROP TABLE prompts;
ALTER TABLE prompts_v4 RENAME TO prompts;
