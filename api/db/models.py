"""Every table, imported in one place so Alembic and ``create_all`` see the whole schema."""

from api.conversations.models import Conversation
from api.credentials.models import ApiKey, Credential, IssuerKey
from api.db.base import Base
from api.endorsements.models import (
    AskedOutcome,
    Endorsement,
    EndorsementRequest,
    OutcomeVerdict,
    RequestLink,
)
from api.experiences.models import Experience, SelfCheckAnswer, SkillClaim
from api.learners.models import Learner
from api.notices.models import Notice

__all__ = [
    "ApiKey",
    "AskedOutcome",
    "Base",
    "Conversation",
    "Credential",
    "Endorsement",
    "EndorsementRequest",
    "Experience",
    "IssuerKey",
    "Learner",
    "Notice",
    "OutcomeVerdict",
    "RequestLink",
    "SelfCheckAnswer",
    "SkillClaim",
]
