"""Messages the service owes a learner outside a turn of their own (an outbox)."""
