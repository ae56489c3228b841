"""What the service keeps about a learner: all of it handed over, or all of it erased."""
