"""Imports every model so that the metadata (and Alembic) see all tables."""
from lti_app.lti.models import Deployment, LtiContext, Platform, ToolKey  # noqa: F401
from lti_app.lti.sessions import BrowserSession  # noqa: F401
from lti_app.mentoring.models.cohort import Cohort, CohortSkill  # noqa: F401
from lti_app.mentoring.models.course import Course, Membership  # noqa: F401
from lti_app.mentoring.models.enrolment import Enrolment, EnrolmentSkill  # noqa: F401
from lti_app.mentoring.models.completion import CohortCompletion, Completion  # noqa: F401
from lti_app.mentoring.models.grade_outbox import GradeOutbox  # noqa: F401
from lti_app.mentoring.models.mail_outbox import Announcement, MailOutbox, MailPreference  # noqa: F401
from lti_app.mentoring.models.feedback import ContentAccess, Feedback, FitCheck, PairEnding  # noqa: F401
from lti_app.mentoring.models.matching_choice import MentorRequest, Ranking  # noqa: F401
from lti_app.mentoring.models.matching_run import MatchingRun  # noqa: F401
from lti_app.mentoring.models.pairing import Pair  # noqa: F401
from lti_app.mentoring.models.person import Person  # noqa: F401
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission  # noqa: F401
from lti_app.mentoring.models.workspace import Agreement, Goal, GoalSkill, Meeting, Milestone, Task  # noqa: F401
from lti_app.mentoring.models.survey import (  # noqa: F401
    Survey, SurveyAnswer, SurveyNamesAccess, SurveyQuestion, SurveyRound, SurveySettings, SurveyVersion,
)
from lti_app.operators.models import Operator  # noqa: F401
from lti_app.mentoring.models.roster_snapshot import RosterSnapshot  # noqa: F401
