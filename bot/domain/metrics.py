"""The bot's Prometheus metrics: each declared once, on a registry of its own per bot.

A registry per instance (not prometheus_client's global one) keeps the counts of tests and of
several bots in one process apart. Label values come from closed sets: anything else counts as
"other", so a caller that passes along whatever a request carried cannot grow the series.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.domain.models import FailureReason, JobState

OTHER = "other"
REJECT_REASONS = frozenset(
    {"unknown_token", "unreadable", "bad_signature", "task_mismatch", "too_large", "timeout"}
)
DELIVERY_OUTCOMES = frozenset({"sent", "unconfirmed", "failed", "undeliverable", "claim_lost"})
FAILURE_REASONS = frozenset(reason.value for reason in FailureReason)
# The provider's documented envelope codes; 0 is an error that carried none (network, timeout).
CLAIMERS = frozenset({"line", "timers"})  # the submission line; polls, timeouts, deliveries
PROVIDER_CODES = frozenset(
    {"0", "400", "401", "402", "404", "408", "422", "429", "451", "455", "500", "501", "505"}
    | {"unconfirmed"}  # a submission whose answer never came
)


@dataclass(frozen=True, slots=True)
class _Family:
    """One counter as declared: its help text and, when labelled, its label and closed set."""

    help: str
    label: str = ""
    values: frozenset[str] = frozenset()


# Exposed as bot_<name>_total; outside tools read these names.
FAMILIES = {
    "callbacks_accepted": _Family("Provider callbacks stored."),
    "callbacks_rejected": _Family(
        "Provider callbacks refused, by reason.", "reason", REJECT_REASONS
    ),
    "deliveries": _Family(
        "Finished jobs handed to Telegram, by outcome.", "outcome", DELIVERY_OUTCOMES
    ),
    "provider_errors": _Family("Provider errors, by envelope code.", "code", PROVIDER_CODES),
    "failures": _Family("Jobs that ended without a result, by reason.", "reason", FAILURE_REASONS),
    "resubmissions": _Family("Jobs sent again after the provider's own trouble."),
    "jobs_claimed": _Family(
        "Jobs this replica claimed to work on, by who claimed them.", "by", CLAIMERS
    ),
}


class _JobsByState(Collector):
    """bot_jobs{state}: the counts the /metrics view has just read from the store."""

    def __init__(self) -> None:
        self.counts: Mapping[JobState, int] = {}

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("bot_jobs", "Jobs by state.", labels=["state"])
        for state in JobState:
            family.add_metric([state.value], self.counts.get(state, 0))
        yield family


class Metrics:
    """Counters the service and the web edge bump, and the text /metrics serves."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._jobs = _JobsByState()
        self.registry.register(self._jobs)
        self._counters = {name: self._declare(name, family) for name, family in FAMILIES.items()}
        self.poller_lease = Gauge(
            "bot_poller_lease",
            "1 while this replica holds the poller lease (long polling: it calls getUpdates).",
            registry=self.registry,
        )

    def _declare(self, name: str, family: _Family) -> Counter:
        labels = [family.label] if family.label else []
        counter = Counter(f"bot_{name}", family.help, labels, registry=self.registry)
        for value in sorted(family.values | {OTHER}) if family.label else ():
            counter.labels(value)  # every series exists from the start, at zero
        return counter

    def inc(self, name: str, label: str = "", amount: int = 1) -> None:
        """Bump `name` (a key of FAMILIES); a label outside its closed set counts as "other"."""
        counter = self._counters[name]
        if FAMILIES[name].label:
            counter = counter.labels(self._closed(name, label))
        counter.inc(amount)

    def value(self, name: str, label: str = "") -> int:
        """The count /metrics shows for `name` and `label` (read through the closed set)."""
        family = FAMILIES[name]
        labels = {family.label: self._closed(name, label)} if family.label else {}
        found = self.registry.get_sample_value(f"bot_{name}_total", labels)
        return int(found or 0)

    def _closed(self, name: str, label: str) -> str:
        return label if label in FAMILIES[name].values else OTHER

    def exposition(self, jobs_by_state: Mapping[JobState, int]) -> bytes:
        """The Prometheus text format, with the job counts just read from the store."""
        self._jobs.counts = jobs_by_state
        return generate_latest(self.registry)
