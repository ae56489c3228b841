"""Every table, imported in one place so Alembic and ``create_all`` see the whole schema."""

from api.conversations.models import Conversation
from api.credentials.models import ApiKey, Credential, IssuerKey
from api.credentials.sharing import CredentialShare
from api.db.base import Base
from api.endorsements.models import (
    AskedOutcome,
    CredentialsDue,
    Endorsement,
    EndorsementRequest,
    OutcomeVerdict,
    RequestLink,
)
from api.experiences.models import Experience, SelfCheckAnswer, SkillClaim
from api.learners.models import Learner
from api.mentors.models import Digest, LearnerReminder, Mentor, MentorInvite, MentorLink
from api.notices.models import Notice
from api.portfolio.models import SharedPortfolio
from api.privacy.models import WithdrawnLink
from api.processed_updates import ProcessedUpdate

__all__ = [
    "ApiKey",
    "AskedOutcome",
    "Base",
    "Conversation",
    "Credential",
    "CredentialShare",
    "CredentialsDue",
    "Digest",
    "Endorsement",
    "EndorsementRequest",
    "Experience",
    "IssuerKey",
    "Learner",
    "LearnerReminder",
    "Mentor",
    "MentorInvite",
    "MentorLink",
    "Notice",
    "OutcomeVerdict",
    "ProcessedUpdate",
    "RequestLink",
    "SelfCheckAnswer",
    "SharedPortfolio",
    "SkillClaim",
    "WithdrawnLink",
]
