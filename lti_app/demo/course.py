"""The demo LMS's course and people: one instructor, one teaching assistant, ten learners.

Roles are the full LIS URIs real platforms send (LTI 1.3 core, appendix A.2). The teaching assistant
carries the principal role ``membership#Instructor`` *and* the sub-role
``membership/Instructor#TeachingAssistant``, as Canvas and Moodle send them; institution roles come
along too (Canvas sends them even for students), so a tool must look at the context roles first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
INSTRUCTOR = MEMBERSHIP + "#Instructor"
TEACHING_ASSISTANT = MEMBERSHIP + "/Instructor#TeachingAssistant"
LEARNER = MEMBERSHIP + "#Learner"
INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
FACULTY = INSTITUTION + "Faculty"
STUDENT = INSTITUTION + "Student"
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"


@dataclass(frozen=True)
class DemoPerson:
    """A user of the demo LMS, enrolled in the demo course."""

    sub: str
    given_name: str
    family_name: str
    email: str
    roles: tuple[str, ...]
    locale: str = "en"  # the language the LMS sends with their launches (each can be overridden per launch)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def kind(self) -> str:
        """'teaching_assistant', 'instructor' or 'learner' (the sub-role wins over its principal role)."""
        if TEACHING_ASSISTANT in self.roles:
            return "teaching_assistant"
        if INSTRUCTOR in self.roles:
            return "instructor"
        return "learner"

    @property
    def is_learner(self) -> bool:
        return LEARNER in self.roles

    def member_json(self) -> dict[str, Any]:
        """This person as an NRPS 2.0 member."""
        return {
            "user_id": self.sub,
            "roles": list(self.roles),
            "status": "Active",
            "name": self.name,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "email": self.email,
        }


@dataclass(frozen=True)
class DemoCourse:
    """The one course of the demo LMS, with the resource link where ReMentor is placed."""

    context_id: str = "course-rmp-2026"
    title: str = "Reverse Mentoring Pilot"
    label: str = "RMP-2026"
    resource_link_id: str = "resource-link-rementor-1"
    resource_link_title: str = "ReMentor: reverse mentoring programme"


def _person(sub: str, given: str, family: str, email: str, *roles: str, locale: str = "en") -> DemoPerson:
    return DemoPerson(sub, given, family, email, tuple(roles), locale)


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    _person("u-1001", "Margaret", "Okafor", "margaret.okafor@example.edu", INSTRUCTOR, FACULTY),
    _person("u-1002", "Jonas", "Lindqvist", "jonas.lindqvist@example.edu", INSTRUCTOR, TEACHING_ASSISTANT, STUDENT),
    _person("u-2001", "Aiko", "Tanaka", "aiko.tanaka@students.example.edu", LEARNER, STUDENT),
    _person("u-2002", "Kwame", "Mensah", "kwame.mensah@students.example.edu", LEARNER, STUDENT),
    _person("u-2003", "Priya", "Raman", "priya.raman@students.example.edu", LEARNER, STUDENT),
    _person("u-2004", "Lukas", "Becker", "lukas.becker@students.example.edu", LEARNER, STUDENT, locale="de-DE"),
    _person("u-2005", "Fatima", "Al-Sayed", "fatima.alsayed@students.example.edu", LEARNER, STUDENT),
    _person("u-2006", "Wei", "Chen", "wei.chen@students.example.edu", LEARNER, STUDENT),
    _person("u-2007", "Sofia", "Rossi", "sofia.rossi@students.example.edu", LEARNER, STUDENT),
    _person("u-2008", "Siobhán", "O'Brien", "siobhan.obrien@students.example.edu", LEARNER, STUDENT),
    _person("u-2009", "Mateo", "García", "mateo.garcia@students.example.edu", LEARNER, STUDENT, locale="es-ES"),
    _person("u-2010", "Amara", "Nwosu", "amara.nwosu@students.example.edu", LEARNER, STUDENT),
)
