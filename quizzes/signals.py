"""Signals the core sends, so optional apps (the LTI tool) can react without the core knowing.

review_recorded: a review was recorded (not replayed) by services.review_submit. Sent after its
transaction block with keyword arguments `learner` (the user), `bank_id`, `card_id`, `log_id`
and `reviewed_at`. Receivers that do slow work should defer it (transaction.on_commit and a
background task): the learner's request waits for them.

account_deleting: services.privacy.account_delete is removing a person's data (keyword `user`),
inside its transaction: delete whatever else identifies them (an app's own rows).

learner_data_collecting: exporters.learner is gathering a person's data (keyword `user`); each
receiver returns a dict of extra top-level sections ({"lti_identities": [...]}).
"""

from __future__ import annotations

from django.dispatch import Signal

review_recorded = Signal()
account_deleting = Signal()
learner_data_collecting = Signal()
