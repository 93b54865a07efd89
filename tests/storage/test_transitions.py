"""Each state change: where it may start, where it is refused, and what it writes."""

from __future__ import annotations

import pytest

from bot.domain.models import Delivery, Engine, Failure, FailureReason, JobState, Result
from bot.domain.ports import JobStore
from tests.storage.factories import T0, at, claim, job_in, must, new_job, video

S = JobState
TARGETS = [S.SUBMITTING, S.QUEUED, S.GENERATING, S.SUCCEEDED, S.FAILED, S.CANCELLED]
FAILURE = Failure(FailureReason.TIMEOUT, "why", "t")

# Written out by hand rather than derived from STAGE_OF, so the test can disagree with it.
ADVANCES: dict[JobState, set[JobState]] = {
    S.AWAITING_PAYMENT: set(TARGETS),
    S.WAITING: set(TARGETS),
    S.SUBMITTING: {S.QUEUED, S.GENERATING, S.SUCCEEDED, S.FAILED, S.CANCELLED},
    S.QUEUED: {S.GENERATING, S.SUCCEEDED, S.FAILED, S.CANCELLED},
    S.GENERATING: {S.SUCCEEDED, S.FAILED, S.CANCELLED},
    S.SUCCEEDED: set(),
    S.FAILED: set(),
    S.CANCELLED: set(),
    S.DELIVERED: set(),
    S.UNDELIVERABLE: set(),
}


@pytest.mark.parametrize("start", list(JobState))
async def test_advance_only_moves_forward(store: JobStore, start: JobState) -> None:
    for to in TARGETS:
        before = await job_in(store, start)
        moved = await store.advance(before.id, to, at(5), failure=FAILURE, due_at=at(9))
        if to in ADVANCES[start]:
            assert moved is not None, to
            assert (moved.state, moved.updated_at) == (to, at(5))
            assert moved.failure == (before.failure or FAILURE)
            assert moved.due_at == (None if to is S.CANCELLED else at(9))
            assert await store.get(before.id) == moved
        else:
            assert moved is None, to
            assert await store.get(before.id) == before


@pytest.mark.parametrize("to", [S.DELIVERED, S.UNDELIVERABLE])
async def test_advance_does_not_close_jobs(store: JobStore, to: JobState) -> None:
    job = await job_in(store, S.SUCCEEDED)
    with pytest.raises(ValueError, match="mark_delivered"):
        await store.advance(job.id, to, at(5))
    assert await store.get(job.id) == job


async def test_advance_without_a_due_time_is_due_now_and_holds_a_claim(store: JobStore) -> None:
    job = await job_in(store, S.GENERATING)
    held = claim("replica-b", 20)
    done = must(await store.advance(job.id, S.SUCCEEDED, at(2), result=video(job.id), claim=held))
    assert (done.due_at, done.checks) == (at(2), 0)
    # held: nobody else claims it before the claim ends
    assert await store.claim_due(at(3), claim("replica-c"), 10) == []
    assert [j.id for j in await store.claim_due(at(20), claim("replica-c", 30), 10)] == [job.id]


async def test_advance_keeps_what_it_is_not_given_and_fills_a_missing_task_id(
    store: JobStore,
) -> None:
    job = await job_in(store, S.SUBMITTING)
    running = must(await store.advance(job.id, S.GENERATING, at(1), task_id="from-callback"))
    first = Result(video(job.id).kind, "https://v/1.mp4", poster_url="thumb")
    done = must(await store.advance(job.id, S.SUCCEEDED, at(2), result=first, task_id="other"))
    assert running.task_id == "from-callback"
    assert (done.task_id, done.result) == ("from-callback", first)


async def test_advance_without_a_task_id_keeps_the_jobs_own(store: JobStore) -> None:
    """Polls and timers move a job without naming its task: the task stays the job's."""
    job = await job_in(store, S.SUBMITTING)
    must(await store.advance(job.id, S.GENERATING, at(1), task_id="t-known"))
    first = Result(video(job.id).kind, "https://v/2.mp4")
    done = must(await store.advance(job.id, S.SUCCEEDED, at(2), result=first))
    assert (done.task_id, done.result, done.state) == ("t-known", first, S.SUCCEEDED)
    assert (await store.get(job.id)) == done


async def test_advance_with_an_old_token_changes_nothing(store: JobStore) -> None:
    job = await job_in(store, S.QUEUED)
    assert await store.advance(job.id, S.SUCCEEDED, at(1), token="earlier-submission") is None
    moved = await store.advance(job.id, S.GENERATING, at(1), token=job.callback_token)
    assert must(moved).state is S.GENERATING


async def test_advance_of_a_missing_job_is_none(store: JobStore) -> None:
    assert await store.advance(404, S.QUEUED, T0) is None


async def test_advance_to_the_first_stage_is_none(store: JobStore) -> None:
    job = await job_in(store, S.AWAITING_PAYMENT)
    assert await store.advance(job.id, S.AWAITING_PAYMENT, T0) is None


@pytest.mark.parametrize("start", list(JobState))
async def test_mark_submitted_from_submitting_or_a_job_without_task(
    store: JobStore, start: JobState
) -> None:
    before = await job_in(store, start)
    moved = await store.mark_submitted(before.id, before.callback_token, "fresh", at(2), at(1))
    if start is S.SUBMITTING:
        assert moved is not None
        assert (moved.state, moved.task_id, moved.due_at) == (S.QUEUED, "fresh", at(2))
        assert moved.updated_at == at(1)
    elif before.task_id is None:  # a job a callback (or a refusal) moved on before the answer
        assert moved is not None
        assert (moved.state, moved.task_id, moved.due_at) == (start, "fresh", before.due_at)
    else:
        assert moved is None
        assert await store.get(before.id) == before


async def test_mark_submitted_needs_the_token_of_the_submission(store: JobStore) -> None:
    job = await job_in(store, S.SUBMITTING)
    assert await store.mark_submitted(job.id, "another", "task", at(1), at(1)) is None
    assert must(await store.get(job.id)).state is S.SUBMITTING


async def test_a_job_overtaken_by_its_callback_keeps_its_state_and_gains_the_task_id(
    store: JobStore,
) -> None:
    job = await job_in(store, S.SUBMITTING)
    result = video(job.id)
    must(await store.advance(job.id, S.SUCCEEDED, at(1), result=result))
    moved = must(await store.mark_submitted(job.id, job.callback_token, "late", at(3), at(2)))
    assert (moved.state, moved.task_id, moved.result) == (S.SUCCEEDED, "late", result)
    assert await store.mark_submitted(job.id, job.callback_token, "again", at(3), at(2)) is None


async def test_a_task_id_belongs_to_one_job(store: JobStore) -> None:
    taken = await job_in(store, S.QUEUED)
    job = await job_in(store, S.SUBMITTING)
    with pytest.raises(Exception, match=r"(?i)unique"):
        await store.mark_submitted(job.id, job.callback_token, must(taken.task_id), at(1), at(1))
    assert must(await store.get(job.id)).state is S.SUBMITTING


async def test_claim_next_takes_the_first_due_job_of_its_engine(store: JobStore) -> None:
    later = await store.create(new_job(due_at=at(5)))
    other = await store.create(new_job(engine=Engine.RUNWAY_AI))
    first = await store.create(new_job())
    taken = must(await store.claim_next(Engine.KIE, claim(), at(1)))
    assert (taken.id, taken.state, taken.submitted_at) == (first.id, S.SUBMITTING, None)
    assert await store.claim_next(Engine.KIE, claim(), at(1)) is None
    assert must(await store.claim_next(Engine.KIE, claim(), at(5))).id == later.id
    assert must(await store.claim_next(Engine.RUNWAY_AI, claim(), at(5))).id == other.id


async def test_mark_sending_counts_the_attempt_once_per_token(store: JobStore) -> None:
    job = await job_in(store, S.SUBMITTING)
    sent = must(await store.mark_sending(job.id, job.callback_token, at(1)))
    assert (sent.attempt, sent.submitted_at, sent.state) == (1, at(1), S.SUBMITTING)
    assert await store.mark_sending(job.id, "another", at(2)) is None
    queued = await job_in(store, S.QUEUED)
    assert await store.mark_sending(queued.id, queued.callback_token, at(2)) is None


@pytest.mark.parametrize("start", list(JobState))
async def test_requeue_takes_back_what_did_no_work(store: JobStore, start: JobState) -> None:
    before = await job_in(store, start)
    moved = await store.requeue(before.id, before.callback_token, "new", at(4), at(3), attempt=2)
    if start in (S.SUBMITTING, S.QUEUED, S.GENERATING, S.FAILED):
        assert moved is not None
        assert (moved.state, moved.task_id, moved.callback_token) == (S.WAITING, None, "new")
        assert (moved.due_at, moved.attempt, moved.checks, moved.submitted_at) == (
            at(4),
            2,
            0,
            None,
        )
        assert await store.by_callback_token(before.callback_token) is None
    else:
        assert moved is None
        assert await store.get(before.id) == before


async def test_requeue_needs_the_current_token(store: JobStore) -> None:
    job = await job_in(store, S.QUEUED)
    assert await store.requeue(job.id, "stale", "new", at(1), at(1), attempt=1) is None


@pytest.mark.parametrize("start", list(JobState))
async def test_mark_delivered_only_from_succeeded(store: JobStore, start: JobState) -> None:
    before = await job_in(store, start)
    delivery = Delivery(100, 9000, "file-9")
    moved = await store.mark_delivered(before.id, delivery, at(3))
    if start is S.SUCCEEDED:
        assert moved is not None
        assert (moved.state, moved.delivery, moved.updated_at) == (S.DELIVERED, delivery, at(3))
        assert moved.due_at is None
    else:
        assert moved is None
        assert await store.get(before.id) == before


async def test_a_delivery_telegram_did_not_confirm_has_no_message_id(store: JobStore) -> None:
    job = await job_in(store, S.SUCCEEDED)
    moved = must(await store.mark_delivered(job.id, Delivery(100, None), at(1)))
    assert moved.delivery == Delivery(100, None)


async def test_a_second_delivery_is_refused(store: JobStore) -> None:
    job = await job_in(store, S.SUCCEEDED)
    first = must(await store.mark_delivered(job.id, Delivery(100, 1, "a"), at(1)))
    assert await store.mark_delivered(job.id, Delivery(100, 2, "b"), at(2)) is None
    assert await store.get(job.id) == first
    assert await store.by_delivery(100, 2) is None


@pytest.mark.parametrize("start", list(JobState))
async def test_mark_undeliverable_only_from_succeeded(store: JobStore, start: JobState) -> None:
    before = await job_in(store, start)
    moved = await store.mark_undeliverable(before.id, "Forbidden: bot was blocked", at(3))
    if start is S.SUCCEEDED:
        assert moved is not None
        assert (moved.state, moved.delivery, moved.due_at) == (S.UNDELIVERABLE, None, None)
    else:
        assert moved is None
        assert await store.get(before.id) == before


async def test_small_updates_touch_only_their_field(store: JobStore) -> None:
    job = await job_in(store, S.GENERATING)
    await store.set_status_message(job.id, 12)
    await store.reschedule(job.id, at(9), 3)
    await store.mark_failure_reported(job.id)
    stored = must(await store.get(job.id))
    assert (stored.status_message_id, stored.failure_reported) == (12, True)
    assert (stored.due_at, stored.checks) == (at(9), 3)
    assert (stored.state, stored.updated_at) == (S.GENERATING, job.updated_at)


async def test_a_reported_failure_is_no_longer_due(store: JobStore) -> None:
    job = await job_in(store, S.FAILED)
    assert job.due_at == T0
    await store.mark_failure_reported(job.id)
    assert must(await store.get(job.id)).due_at is None
