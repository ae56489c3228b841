"""Mentors: people a learner invites to follow their progress through digests."""
