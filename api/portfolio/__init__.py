"""The learner's public portfolio page: a link the learner can share and switch off."""
