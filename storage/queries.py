"""Every SQL statement the job store runs, with named parameters only.

Sets of states the code computes arrive as one JSON array parameter, read with json_each, so
each statement is a fixed string. State changes are single UPDATEs whose WHERE names the states a
job may leave, and RETURNING tells the caller whether it won.
"""

INSERT_JOB = """
INSERT INTO jobs (
    kind, prompt, aspect_ratio, duration, quality, watermark,
    chat_id, thread_id, user_id, request_message_id, language,
    parent_task_id, callback_token, state, cost, publish_channel_id, source_id,
    created_at, updated_at
) VALUES (
    :kind, :prompt, :aspect_ratio, :duration, :quality, :watermark,
    :chat_id, :thread_id, :user_id, :request_message_id, :language,
    :parent_task_id, :callback_token, :state, :cost, :publish_channel_id, :source_id,
    :created_at, :updated_at
)
RETURNING *
"""

JOB_BY_ID = "SELECT * FROM jobs WHERE id = :id"

JOB_BY_TASK_ID = "SELECT * FROM jobs WHERE task_id = :task_id"

JOB_BY_CALLBACK_TOKEN = "SELECT * FROM jobs WHERE callback_token = :token"  # noqa: S105

JOB_BY_DELIVERY = """
SELECT * FROM jobs
WHERE delivered_chat_id = :chat_id AND delivered_message_id = :message_id
ORDER BY id DESC LIMIT 1
"""

RECENT_JOBS = """
SELECT * FROM jobs WHERE chat_id = :chat_id
ORDER BY created_at DESC, id DESC LIMIT :limit
"""

JOBS_IN_STATES_FOR_CHAT = """
SELECT * FROM jobs
WHERE chat_id = :chat_id AND state IN (SELECT value FROM json_each(:states))
ORDER BY created_at DESC, id DESC
"""

# Walks parent_task_id -> task_id upwards; the depth cap stops a (corrupt) cycle.
CHAIN = """
WITH RECURSIVE ancestry(id, parent_task_id, depth) AS (
    SELECT id, parent_task_id, 0 FROM jobs WHERE id = :id
    UNION ALL
    SELECT parent.id, parent.parent_task_id, child.depth + 1
    FROM ancestry AS child JOIN jobs AS parent ON parent.task_id = child.parent_task_id
    WHERE child.depth < 1000
)
SELECT jobs.* FROM ancestry JOIN jobs ON jobs.id = ancestry.id
ORDER BY ancestry.depth DESC
"""

SET_STATUS_MESSAGE = "UPDATE jobs SET status_message_id = :message_id WHERE id = :id"

MARK_SUBMITTED = """
UPDATE jobs
SET task_id = :task_id,
    next_poll_at = CASE WHEN state = 'submitting' THEN :next_poll_at ELSE next_poll_at END,
    state = CASE WHEN state = 'submitting' THEN 'queued' ELSE state END,
    updated_at = :now
WHERE id = :id AND (state = 'submitting' OR task_id IS NULL)
RETURNING *
"""

ADVANCE = """
UPDATE jobs
SET state = :to,
    video_url = COALESCE(:video_url, video_url),
    image_url = COALESCE(:image_url, image_url),
    failure_code = COALESCE(:failure_code, failure_code),
    failure_message = COALESCE(:failure_message, failure_message),
    updated_at = :now
WHERE id = :id AND state IN (SELECT value FROM json_each(:sources))
RETURNING *
"""

MARK_DELIVERED = """
UPDATE jobs
SET state = 'delivered',
    delivered_chat_id = :chat_id,
    delivered_message_id = :message_id,
    delivered_file_id = :file_id,
    updated_at = :now
WHERE id = :id AND state = 'succeeded'
RETURNING *
"""

MARK_UNDELIVERABLE = """
UPDATE jobs
SET state = 'undeliverable', failure_message = :reason, updated_at = :now
WHERE id = :id AND state = 'succeeded'
RETURNING *
"""

MARK_FAILURE_REPORTED = "UPDATE jobs SET failure_reported = 1 WHERE id = :id"

SCHEDULE_POLL = """
UPDATE jobs SET next_poll_at = :next_poll_at, poll_count = :count WHERE id = :id
"""

DUE_FOR_POLL = """
SELECT * FROM jobs
WHERE state IN (SELECT value FROM json_each(:states)) AND next_poll_at <= :now
ORDER BY next_poll_at, id LIMIT :limit
"""

UNFINISHED_BUSINESS = """
SELECT * FROM jobs
WHERE state IN ('submitting', 'succeeded') OR (state = 'failed' AND failure_reported = 0)
ORDER BY id
"""

COUNT_CREATED_SINCE = """
SELECT COUNT(*) FROM jobs WHERE user_id = :user_id AND created_at >= :since
"""

COUNT_IN_STATES_FOR_USER = """
SELECT COUNT(*) FROM jobs
WHERE user_id = :user_id AND state IN (SELECT value FROM json_each(:states))
"""

OLDEST_CREATED_SINCE = """
SELECT MIN(created_at) FROM jobs WHERE user_id = :user_id AND created_at >= :since
"""

USAGE_SINCE = """
SELECT user_id,
       COUNT(*) AS jobs,
       COALESCE(SUM(CASE WHEN state IN (SELECT value FROM json_each(:uncharged))
                         THEN 0 ELSE cost END), 0) AS credits
FROM jobs
WHERE user_id IS NOT NULL AND created_at >= :since
GROUP BY user_id
ORDER BY credits DESC, jobs DESC, user_id
"""

COUNT_BY_STATE = "SELECT state, COUNT(*) AS jobs FROM jobs GROUP BY state"

CHAT_OPTIONS = """
SELECT aspect_ratio, duration, quality, watermark FROM chat_settings WHERE chat_id = :chat_id
"""

SAVE_CHAT_OPTIONS = """
INSERT INTO chat_settings (chat_id, aspect_ratio, duration, quality, watermark)
VALUES (:chat_id, :aspect_ratio, :duration, :quality, :watermark)
ON CONFLICT (chat_id) DO UPDATE SET
    aspect_ratio = excluded.aspect_ratio,
    duration = excluded.duration,
    quality = excluded.quality,
    watermark = excluded.watermark
"""

BIND_CHANNEL = """
INSERT INTO channel_bindings (chat_id, channel_id, title)
VALUES (:chat_id, :channel_id, :title)
ON CONFLICT (chat_id) DO UPDATE SET channel_id = excluded.channel_id, title = excluded.title
"""

BOUND_CHANNEL = "SELECT channel_id, title FROM channel_bindings WHERE chat_id = :chat_id"

PING = "SELECT 1"
