"""Every SQL statement the SQLite job store runs, with named parameters only.

Sets of states the code computes arrive as one JSON array parameter, read with json_each, so
each statement is a fixed string. State changes are single UPDATEs whose WHERE names the states a
job may leave (and, where two submissions could race, the callback token it must still carry),
and RETURNING tells the caller whether it won.
"""

INSERT_JOB = """
INSERT INTO jobs (
    kind, engine, tool, prompt, aspect_ratio, duration, quality, watermark, seed,
    chat_id, thread_id, user_id, request_message_id, language,
    parent_task_id, callback_token, state, cost, price_stars, payment, publish_channel_id,
    source_id, reference_id, input_url, reference_url, note, due_at, created_at, updated_at
) VALUES (
    :kind, :engine, :tool, :prompt, :aspect_ratio, :duration, :quality, :watermark, :seed,
    :chat_id, :thread_id, :user_id, :request_message_id, :language,
    :parent_task_id, :callback_token, :state, :cost, :price_stars, :payment, :publish_channel_id,
    :source_id, :reference_id, :input_url, :reference_url, :note, :due_at, :created_at,
    :updated_at
)
RETURNING *
"""

JOB_BY_ID = "SELECT * FROM jobs WHERE id = :id"

JOB_BY_CALLBACK_TOKEN = "SELECT id, callback_token, task_id FROM jobs WHERE callback_token = :token"  # noqa: S105

JOB_BY_DELIVERY = """
SELECT * FROM jobs
WHERE delivered_chat_id = :chat_id AND delivered_message_id = :message_id
ORDER BY id DESC LIMIT 1
"""

JOBS_BY_STATUS_MESSAGE = """
SELECT * FROM jobs WHERE chat_id = :chat_id AND status_message_id = :message_id ORDER BY id
"""

RECENT_JOBS = """
SELECT * FROM jobs WHERE chat_id = :chat_id AND id < :before_id
ORDER BY id DESC LIMIT :limit
"""

# A user's delivered videos (any chat) whose prompt holds every word of :words (a JSON array
# of case-folded words; [] matches all), newest first: inline mode shares them by file_id.
# casefold() is the connection's own function (storage/connection.py): SQLite's lower() folds
# ASCII only, and prompts are Russian too.
DELIVERED_VIDEOS = """
SELECT * FROM jobs
WHERE user_id = :user_id AND state = 'delivered' AND result_kind = 'video'
  AND delivered_file_id IS NOT NULL AND id < :before_id
  AND NOT EXISTS (
      SELECT 1 FROM json_each(:words) WHERE instr(casefold(jobs.prompt), value) = 0
  )
ORDER BY id DESC LIMIT :limit
"""

JOBS_IN_STATES_FOR_CHAT = """
SELECT * FROM jobs
WHERE chat_id = :chat_id AND state IN (SELECT value FROM json_each(:states))
ORDER BY id DESC
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

# Ahead of a job: those in line before it, and those claimed for sending but not yet gone.
WAITING_AHEAD = """
SELECT COUNT(*) FROM jobs
WHERE engine = :engine AND id < :id
  AND (state = 'waiting' OR (state = 'submitting' AND submitted_at IS NULL))
"""

WAITING = "SELECT * FROM jobs WHERE state = 'waiting' ORDER BY id LIMIT :limit"

SET_STATUS_MESSAGE = "UPDATE jobs SET status_message_id = :message_id WHERE id = :id"

EXTEND_CLAIMS = """
UPDATE jobs SET claim_until = :until, due_at = CASE WHEN due_at IS NULL THEN NULL ELSE :until END
WHERE id IN (SELECT value FROM json_each(:ids)) AND claim_owner = :owner AND state = 'succeeded'
RETURNING id
"""

CLAIM_NEXT = """
UPDATE jobs
SET state = 'submitting', submitted_at = NULL,
    claim_owner = :owner, claim_until = :until, updated_at = :now
WHERE id = (
    SELECT id FROM jobs
    WHERE state = 'waiting' AND engine = :engine AND (due_at IS NULL OR due_at <= :now)
    ORDER BY id LIMIT 1
) AND state = 'waiting'
RETURNING *
"""

# The request is leaving now: from here on its outcome may be unknown, and it counts.
MARK_SENDING = """
UPDATE jobs SET submitted_at = :now, attempt = attempt + 1, updated_at = :now
WHERE id = :id AND callback_token = :token AND state = 'submitting'
RETURNING *
"""

MARK_SUBMITTED = """
UPDATE jobs
SET task_id = :task_id,
    due_at = CASE WHEN state = 'submitting' THEN :due_at ELSE due_at END,
    state = CASE WHEN state = 'submitting' THEN 'queued' ELSE state END,
    claim_owner = NULL, claim_until = NULL,
    updated_at = :now
WHERE id = :id AND callback_token = :token AND (state = 'submitting' OR task_id IS NULL)
RETURNING *
"""

REQUEUE = """
UPDATE jobs
SET state = 'waiting', task_id = NULL, callback_token = :new_token, due_at = :due_at,
    submitted_at = NULL, claim_owner = NULL, claim_until = NULL,
    attempt = :attempt, checks = :checks, updated_at = :now
WHERE id = :id AND callback_token = :token
  AND state IN ('submitting', 'queued', 'generating', 'failed')
RETURNING *
"""

ADVANCE = """
UPDATE jobs
SET state = :to,
    task_id = COALESCE(task_id, :task_id),
    result_kind = COALESCE(:result_kind, result_kind),
    result_url = COALESCE(:result_url, result_url),
    poster_url = COALESCE(:poster_url, poster_url),
    result_text = COALESCE(:result_text, result_text),
    failure_reason = COALESCE(:failure_reason, failure_reason),
    failure_detail = COALESCE(:failure_detail, failure_detail),
    failure_code = COALESCE(:failure_code, failure_code),
    due_at = CASE WHEN :to = 'cancelled' THEN NULL ELSE COALESCE(:due_at, :now) END,
    checks = CASE WHEN :to IN ('succeeded', 'failed') THEN 0 ELSE checks END,
    claim_owner = :owner, claim_until = :until,
    updated_at = :now
WHERE id = :id AND state IN (SELECT value FROM json_each(:sources))
  AND (:token IS NULL OR callback_token = :token)
RETURNING *
"""

MARK_DELIVERED = """
UPDATE jobs
SET state = 'delivered',
    delivered_chat_id = :chat_id,
    delivered_message_id = :message_id,
    delivered_file_id = :file_id,
    due_at = NULL, claim_owner = NULL, claim_until = NULL,
    updated_at = :now
WHERE id = :id AND state = 'succeeded'
RETURNING *
"""

MARK_UNDELIVERABLE = """
UPDATE jobs
SET state = 'undeliverable', failure_detail = :detail,
    due_at = NULL, claim_owner = NULL, claim_until = NULL, updated_at = :now
WHERE id = :id AND state = 'succeeded'
RETURNING *
"""

MARK_FAILURE_REPORTED = """
UPDATE jobs SET failure_reported = 1,
    due_at = CASE WHEN state = 'failed' THEN NULL ELSE due_at END,
    claim_owner = NULL, claim_until = NULL
WHERE id = :id
"""

RESCHEDULE = """
UPDATE jobs
SET due_at = :due_at, checks = :checks,
    claim_owner = CASE WHEN claim_owner = :owner THEN NULL ELSE claim_owner END,
    claim_until = CASE WHEN claim_owner = :owner THEN NULL ELSE claim_until END
WHERE id = :id
"""

# One statement claims a batch: the subquery picks, the outer WHERE re-checks, so a job another
# worker claimed in between is left out.
CLAIM_DUE = """
UPDATE jobs
SET claim_owner = :owner, claim_until = :until
WHERE id IN (
    SELECT id FROM jobs
    WHERE due_at IS NOT NULL AND due_at <= :now AND state <> 'waiting'
      AND (claim_until IS NULL OR claim_until <= :now)
    ORDER BY due_at, id LIMIT :limit
) AND (claim_until IS NULL OR claim_until <= :now)
RETURNING *
"""

REARM = """
UPDATE jobs SET due_at = :now, claim_owner = NULL, claim_until = NULL
WHERE state IN ('queued', 'generating')
"""

# One process owns a SQLite file (see connection.single_instance), so at its start every claim
# is a dead process's.
RELEASE_CLAIMS = """
UPDATE jobs SET claim_owner = NULL, claim_until = NULL WHERE claim_owner IS NOT NULL
"""

# Refused or failed jobs, and jobs cancelled before the provider saw them, are not charged.
CHARGED = """
user_id = :user_id AND created_at >= :since
AND state NOT IN ('failed', 'awaiting_payment')
AND NOT (state = 'cancelled' AND task_id IS NULL)
"""

COUNT_CHARGED_SINCE = f"SELECT COUNT(*) FROM jobs WHERE {CHARGED}"  # noqa: S608 - constant

OLDEST_CHARGED_SINCE = f"SELECT MIN(created_at) FROM jobs WHERE {CHARGED}"  # noqa: S608

COUNT_ACTIVE_FOR_USER = """
SELECT COUNT(*) FROM jobs
WHERE user_id = :user_id AND state IN ('waiting', 'submitting', 'queued', 'generating')
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

CHAT_SETTINGS = """
SELECT aspect_ratio, duration, quality, watermark, engine
FROM chat_settings WHERE chat_id = :chat_id
"""

SAVE_CHAT_SETTINGS = """
INSERT INTO chat_settings (chat_id, aspect_ratio, duration, quality, watermark, engine)
VALUES (:chat_id, :aspect_ratio, :duration, :quality, :watermark, :engine)
ON CONFLICT (chat_id) DO UPDATE SET
    aspect_ratio = excluded.aspect_ratio,
    duration = excluded.duration,
    quality = excluded.quality,
    watermark = excluded.watermark,
    engine = excluded.engine
"""

BIND_CHANNEL = """
INSERT INTO channel_bindings (chat_id, channel_id, title)
VALUES (:chat_id, :channel_id, :title)
ON CONFLICT (chat_id) DO UPDATE SET channel_id = excluded.channel_id, title = excluded.title
"""

BOUND_CHANNEL = "SELECT channel_id, title FROM channel_bindings WHERE chat_id = :chat_id"

SAVE_PROMPT = """
INSERT INTO prompts (chat_id, message_id, awaiting, job_id, user_id, expires_at)
VALUES (:chat_id, :message_id, :awaiting, :job_id, :user_id, :expires_at)
ON CONFLICT (chat_id, message_id) DO UPDATE SET
    awaiting = excluded.awaiting, job_id = excluded.job_id,
    user_id = excluded.user_id, expires_at = excluded.expires_at
"""

PROMPT = """
SELECT awaiting, job_id, user_id FROM prompts
WHERE chat_id = :chat_id AND message_id = :message_id AND expires_at > :now
"""

DROP_PROMPT = "DELETE FROM prompts WHERE chat_id = :chat_id AND message_id = :message_id"

DROP_EXPIRED_PROMPTS = "DELETE FROM prompts WHERE expires_at <= :now"

# A real write: a database that answers reads but refuses writes is not healthy.
PING = """
INSERT INTO heartbeat (id, at) VALUES (1, :now) ON CONFLICT (id) DO UPDATE SET at = excluded.at
"""
