"""Every table, imported in one place so Alembic and ``create_all`` see the whole schema."""

from api.conversations.models import Conversation
from api.db.base import Base
from api.experiences.models import Experience, SelfCheckAnswer, SkillClaim
from api.learners.models import Learner

__all__ = ["Base", "Conversation", "Experience", "Learner", "SelfCheckAnswer", "SkillClaim"]
