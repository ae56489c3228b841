"""Asking former employers to confirm a learner's learning outcomes through a link."""
