"""A course (an LMS context inside one deployment) and the memberships of people in it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.texts import N_, _
from lti_app.mentoring.models.person import Person


class CourseRole(str, enum.Enum):
    """What a person is in a course, as far as the programme cares."""

    INSTRUCTOR = "instructor"
    TEACHING_ASSISTANT = "teaching_assistant"
    CONTENT_DEVELOPER = "content_developer"
    ADMINISTRATOR = "administrator"
    LEARNER = "learner"
    MENTOR = "mentor"  # the LIS "Mentor" role: an observer such as a parent, not a programme mentor
    GUEST = "guest"

    @property
    def is_staff(self) -> bool:
        """Staff run the programme; everyone else takes part or looks on."""
        return self in STAFF_ROLES

    @property
    def label(self) -> str:
        """A human label for pages."""
        return _(ROLE_LABELS[self.value])


# the LMS's roles in words (msgids); "mentor" is the LIS observer role, not a programme mentor
ROLE_LABELS = {"instructor": N_("Instructor"), "teaching_assistant": N_("Teaching assistant"),
               "content_developer": N_("Content developer"), "administrator": N_("Administrator"),
               "learner": N_("Learner"), "mentor": N_("Mentor"), "guest": N_("Guest")}


STAFF_ROLES = frozenset(
    {CourseRole.INSTRUCTOR, CourseRole.TEACHING_ASSISTANT, CourseRole.CONTENT_DEVELOPER, CourseRole.ADMINISTRATOR}
)


class Course(db.Model):
    """A context (course) of one deployment; every programme record hangs off a course."""

    __tablename__ = "course"
    __table_args__ = (UniqueConstraint("deployment_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    deployment_id: Mapped[int] = mapped_column(ForeignKey("lti_deployment.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(500))
    label: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="course", cascade="all, delete-orphan")

    @property
    def display_title(self) -> str:
        """The course title the platform sent, else its label, else its id."""
        return self.title or self.label or self.context_id

    def __repr__(self) -> str:
        return f"<Course {self.id} {self.context_id!r}>"


class Membership(db.Model):
    """A person's role in a course, refreshed at every launch."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("person_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    role: Mapped[CourseRole] = mapped_column(
        Enum(CourseRole, native_enum=False, length=40, validate_strings=True, values_callable=lambda e: [m.value for m in e])
    )
    last_launch_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()
    course: Mapped[Course] = relationship(back_populates="memberships")

    def __repr__(self) -> str:
        return f"<Membership person {self.person_id} course {self.course_id} {self.role.value}>"
