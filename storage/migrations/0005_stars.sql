-- Telegram Stars: every movement of a user's Stars is one row, and a balance is the sum of a
-- user's rows (no stored balance to drift). Signs are the user's view:
--   purchase        +N  /buy paid: Stars onto the balance (charge_id: Telegram's charge)
--   invoice         +N  a job's own invoice paid (charge_id), spent at once by its 'spend' row
--   spend           -N  a job paid for, from the balance or from its invoice
--   refund          +N  a job's price back onto the balance
--   charge_refunded -N  that refund sent back to Telegram (refundStarPayment) instead
-- The unique indexes make doubles impossible: one row per Telegram charge, and one spend, one
-- refund and one charge-back per job, however many workers try at once.
CREATE TABLE ledger (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN (
                   'purchase', 'invoice', 'spend', 'refund', 'charge_refunded')),
    stars      INTEGER NOT NULL,
    charge_id  TEXT,
    job_id     INTEGER,
    created_at TEXT    NOT NULL
);

CREATE UNIQUE INDEX ledger_by_charge ON ledger (charge_id) WHERE kind IN ('purchase', 'invoice');
CREATE UNIQUE INDEX ledger_by_job ON ledger (job_id, kind)
    WHERE kind IN ('spend', 'refund', 'charge_refunded');
CREATE INDEX ledger_by_user ON ledger (user_id, created_at);
CREATE INDEX ledger_by_time ON ledger (created_at);
