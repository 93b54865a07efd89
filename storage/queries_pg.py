"""Every SQL statement the PostgreSQL job store runs: the same statements as queries.py, in
PostgreSQL's dialect. They are written with named parameters (`:name`) and compiled once to
asyncpg's positional ones; a parameter whose type the context does not give is cast where it
first appears. Sets of states arrive as one text[] parameter. Claims skip rows another
transaction holds (`FOR UPDATE SKIP LOCKED`), so replicas claiming at once never wait on or
take each other's jobs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@dataclass(frozen=True, slots=True)
class Query:
    """A statement in asyncpg's form and the parameter names in position order."""

    sql: str
    names: tuple[str, ...]


def compile_query(sql: str) -> Query:
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match[1]
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return Query(_PARAM.sub(number, sql), tuple(names))


INSERT_JOB = compile_query("""
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
""")

JOB_BY_ID = compile_query("SELECT * FROM jobs WHERE id = :id")

JOB_BY_CALLBACK_TOKEN = compile_query(
    "SELECT id, callback_token, task_id FROM jobs WHERE callback_token = :token"
)

JOB_BY_DELIVERY = compile_query("""
SELECT * FROM jobs
WHERE delivered_chat_id = :chat_id AND delivered_message_id = :message_id
ORDER BY id DESC LIMIT 1
""")

JOBS_BY_STATUS_MESSAGE = compile_query("""
SELECT * FROM jobs WHERE chat_id = :chat_id AND status_message_id = :message_id ORDER BY id
""")

RECENT_JOBS = compile_query("""
SELECT * FROM jobs WHERE chat_id = :chat_id AND id < :before_id
ORDER BY id DESC LIMIT :limit
""")

# Every word (already case-folded) must occur in the prompt; lower() folds Cyrillic too
# where the database's LC_CTYPE is a UTF-8 locale (C.UTF-8 included).
DELIVERED_VIDEOS = compile_query("""
SELECT * FROM jobs
WHERE user_id = :user_id AND state = 'delivered' AND result_kind = 'video'
  AND delivered_file_id IS NOT NULL AND id < :before_id
  AND NOT EXISTS (
      SELECT 1 FROM unnest(:words::text[]) AS w(word) WHERE strpos(lower(jobs.prompt), w.word) = 0
  )
ORDER BY id DESC LIMIT :limit
""")

JOBS_IN_STATES_FOR_CHAT = compile_query("""
SELECT * FROM jobs
WHERE chat_id = :chat_id AND state = ANY(:states::text[])
ORDER BY id DESC
""")

# Walks parent_task_id -> task_id upwards; the depth cap stops a (corrupt) cycle.
CHAIN = compile_query("""
WITH RECURSIVE ancestry(id, parent_task_id, depth) AS (
    SELECT id, parent_task_id, 0 FROM jobs WHERE id = :id
    UNION ALL
    SELECT parent.id, parent.parent_task_id, child.depth + 1
    FROM ancestry AS child JOIN jobs AS parent ON parent.task_id = child.parent_task_id
    WHERE child.depth < 1000
)
SELECT jobs.* FROM ancestry JOIN jobs ON jobs.id = ancestry.id
ORDER BY ancestry.depth DESC
""")

# Ahead of a job: those in line before it, and those claimed for sending but not yet gone.
WAITING_AHEAD = compile_query("""
SELECT COUNT(*) FROM jobs
WHERE engine = :engine AND id < :id
  AND (state = 'waiting' OR (state = 'submitting' AND submitted_at IS NULL))
""")

WAITING = compile_query("SELECT * FROM jobs WHERE state = 'waiting' ORDER BY id LIMIT :limit")

SET_STATUS_MESSAGE = compile_query("UPDATE jobs SET status_message_id = :message_id WHERE id = :id")

EXTEND_CLAIMS = compile_query("""
UPDATE jobs
SET claim_until = :until::timestamptz,
    due_at = CASE WHEN due_at IS NULL THEN NULL ELSE :until::timestamptz END
WHERE id = ANY(:ids::bigint[]) AND claim_owner = :owner::text AND state = 'succeeded'
RETURNING id
""")

# The first in line that no other transaction is claiming right now.
CLAIM_NEXT = compile_query("""
UPDATE jobs
SET state = 'submitting', submitted_at = NULL,
    claim_owner = :owner, claim_until = :until, updated_at = :now
WHERE id = (
    SELECT id FROM jobs
    WHERE state = 'waiting' AND engine = :engine
      AND (due_at IS NULL OR due_at <= :now::timestamptz)
    ORDER BY id LIMIT 1
    FOR UPDATE SKIP LOCKED
) AND state = 'waiting'
RETURNING *
""")

# The request is leaving now: from here on its outcome may be unknown, and it counts.
MARK_SENDING = compile_query("""
UPDATE jobs SET submitted_at = :now, attempt = attempt + 1, updated_at = :now
WHERE id = :id AND callback_token = :token AND state = 'submitting'
RETURNING *
""")

MARK_SUBMITTED = compile_query("""
UPDATE jobs
SET task_id = :task_id,
    due_at = CASE WHEN state = 'submitting' THEN :due_at::timestamptz ELSE due_at END,
    state = CASE WHEN state = 'submitting' THEN 'queued' ELSE state END,
    claim_owner = NULL, claim_until = NULL,
    updated_at = :now
WHERE id = :id AND callback_token = :token AND (state = 'submitting' OR task_id IS NULL)
RETURNING *
""")

REQUEUE = compile_query("""
UPDATE jobs
SET state = 'waiting', task_id = NULL, callback_token = :new_token, due_at = :due_at,
    submitted_at = NULL, claim_owner = NULL, claim_until = NULL,
    attempt = :attempt, checks = :checks, updated_at = :now
WHERE id = :id AND callback_token = :token
  AND state IN ('submitting', 'queued', 'generating', 'failed')
RETURNING *
""")

ADVANCE = compile_query("""
UPDATE jobs
SET state = :to::text,
    task_id = COALESCE(task_id, :task_id::text),
    result_kind = COALESCE(:result_kind::text, result_kind),
    result_url = COALESCE(:result_url::text, result_url),
    poster_url = COALESCE(:poster_url::text, poster_url),
    result_text = COALESCE(:result_text::text, result_text),
    failure_reason = COALESCE(:failure_reason::text, failure_reason),
    failure_detail = COALESCE(:failure_detail::text, failure_detail),
    failure_code = COALESCE(:failure_code::text, failure_code),
    due_at = CASE WHEN :to = 'cancelled' THEN NULL
                  ELSE COALESCE(:due_at::timestamptz, :now::timestamptz) END,
    checks = CASE WHEN :to IN ('succeeded', 'failed') THEN 0 ELSE checks END,
    claim_owner = :owner::text, claim_until = :until::timestamptz,
    updated_at = :now
WHERE id = :id AND state = ANY(:sources::text[])
  AND (:token::text IS NULL OR callback_token = :token)
RETURNING *
""")

MARK_DELIVERED = compile_query("""
UPDATE jobs
SET state = 'delivered',
    delivered_chat_id = :chat_id,
    delivered_message_id = :message_id,
    delivered_file_id = :file_id,
    due_at = NULL, claim_owner = NULL, claim_until = NULL,
    updated_at = :now
WHERE id = :id AND state = 'succeeded'
RETURNING *
""")

MARK_UNDELIVERABLE = compile_query("""
UPDATE jobs
SET state = 'undeliverable', failure_detail = :detail,
    due_at = NULL, claim_owner = NULL, claim_until = NULL, updated_at = :now
WHERE id = :id AND state = 'succeeded'
RETURNING *
""")

MARK_FAILURE_REPORTED = compile_query("""
UPDATE jobs SET failure_reported = TRUE,
    due_at = CASE WHEN state = 'failed' THEN NULL ELSE due_at END,
    claim_owner = NULL, claim_until = NULL
WHERE id = :id
""")

RESCHEDULE = compile_query("""
UPDATE jobs
SET due_at = :due_at::timestamptz, checks = :checks,
    claim_owner = CASE WHEN claim_owner = :owner::text THEN NULL ELSE claim_owner END,
    claim_until = CASE WHEN claim_owner = :owner::text THEN NULL ELSE claim_until END
WHERE id = :id
""")

# One statement claims a batch. Rows another replica is claiming at this instant are skipped,
# not waited for; the outer condition re-checks after the lock.
CLAIM_DUE = compile_query("""
WITH picked AS (
    SELECT id FROM jobs
    WHERE due_at IS NOT NULL AND due_at <= :now::timestamptz AND state <> 'waiting'
      AND (claim_until IS NULL OR claim_until <= :now::timestamptz)
    ORDER BY due_at, id LIMIT :limit
    FOR UPDATE SKIP LOCKED
)
UPDATE jobs
SET claim_owner = :owner, claim_until = :until
FROM picked
WHERE jobs.id = picked.id
RETURNING jobs.*
""")

# Start-up on a database other replicas may be working on: running jobs become due now and
# expired claims (a dead replica's) are released; a live claim stays with its holder. One
# statement, however many jobs; it answers how many running jobs it re-armed.
REARM = compile_query("""
WITH moved AS (
    UPDATE jobs
    SET due_at = CASE WHEN state IN ('queued', 'generating') THEN :now::timestamptz
                      ELSE due_at END,
        claim_owner = NULL, claim_until = NULL
    WHERE (state IN ('queued', 'generating') OR claim_owner IS NOT NULL)
      AND (claim_until IS NULL OR claim_until <= :now::timestamptz)
    RETURNING state
)
SELECT COUNT(*) FILTER (WHERE state IN ('queued', 'generating')) FROM moved
""")

# Refused or failed jobs, and jobs cancelled before the provider saw them, are not charged.
_CHARGED = """
user_id = :user_id AND created_at >= :since
AND state NOT IN ('failed', 'awaiting_payment')
AND NOT (state = 'cancelled' AND task_id IS NULL)
"""

COUNT_CHARGED_SINCE = compile_query(f"SELECT COUNT(*) FROM jobs WHERE {_CHARGED}")  # noqa: S608

OLDEST_CHARGED_SINCE = compile_query(
    f"SELECT MIN(created_at) FROM jobs WHERE {_CHARGED}"  # noqa: S608 - constant
)

COUNT_ACTIVE_FOR_USER = compile_query("""
SELECT COUNT(*) FROM jobs
WHERE user_id = :user_id AND state IN ('waiting', 'submitting', 'queued', 'generating')
""")

USAGE_SINCE = compile_query("""
SELECT user_id,
       COUNT(*) AS jobs,
       COALESCE(SUM(CASE WHEN state = ANY(:uncharged::text[]) THEN 0 ELSE cost END), 0)::bigint
           AS credits
FROM jobs
WHERE user_id IS NOT NULL AND created_at >= :since
GROUP BY user_id
ORDER BY credits DESC, jobs DESC, user_id
""")

COUNT_BY_STATE = compile_query("SELECT state, COUNT(*) AS jobs FROM jobs GROUP BY state")

CHAT_SETTINGS = compile_query("""
SELECT aspect_ratio, duration, quality, watermark, engine
FROM chat_settings WHERE chat_id = :chat_id
""")

SAVE_CHAT_SETTINGS = compile_query("""
INSERT INTO chat_settings (chat_id, aspect_ratio, duration, quality, watermark, engine)
VALUES (:chat_id, :aspect_ratio, :duration, :quality, :watermark, :engine)
ON CONFLICT (chat_id) DO UPDATE SET
    aspect_ratio = excluded.aspect_ratio,
    duration = excluded.duration,
    quality = excluded.quality,
    watermark = excluded.watermark,
    engine = excluded.engine
""")

BIND_CHANNEL = compile_query("""
INSERT INTO channel_bindings (chat_id, channel_id, title)
VALUES (:chat_id, :channel_id, :title)
ON CONFLICT (chat_id) DO UPDATE SET channel_id = excluded.channel_id, title = excluded.title
""")

BOUND_CHANNEL = compile_query(
    "SELECT channel_id, title FROM channel_bindings WHERE chat_id = :chat_id"
)

SAVE_PROMPT = compile_query("""
INSERT INTO prompts (chat_id, message_id, awaiting, job_id, user_id, expires_at)
VALUES (:chat_id, :message_id, :awaiting, :job_id, :user_id, :expires_at)
ON CONFLICT (chat_id, message_id) DO UPDATE SET
    awaiting = excluded.awaiting, job_id = excluded.job_id,
    user_id = excluded.user_id, expires_at = excluded.expires_at
""")

PROMPT = compile_query("""
SELECT awaiting, job_id, user_id FROM prompts
WHERE chat_id = :chat_id AND message_id = :message_id AND expires_at > :now
""")

DROP_PROMPT = compile_query(
    "DELETE FROM prompts WHERE chat_id = :chat_id AND message_id = :message_id"
)

DROP_EXPIRED_PROMPTS = compile_query("DELETE FROM prompts WHERE expires_at <= :now")

# A real write: a database that answers reads but refuses writes is not healthy.
PING = compile_query("""
INSERT INTO heartbeat (id, at) VALUES (1, :now) ON CONFLICT (id) DO UPDATE SET at = excluded.at
""")
