"""The programme layer's refusals come out in the reader's language: German inside a German request, English
outside any request (a script, a worker), with their values filled in and dates written the reader's way."""
from __future__ import annotations

from datetime import date

import pytest

from lti_app.mentoring.domain.cohort_state import CohortState, check_enrolment_open
from lti_app.mentoring.domain.reflections import check_grade
from lti_app.mentoring.errors import EnrolmentRefused, IllegalTransition, InvalidInput, NotFound


def _refusal_opening_on_1_march() -> str:
    with pytest.raises(EnrolmentRefused) as refused:
        check_enrolment_open(CohortState.ENROLMENT_OPEN, date(2026, 3, 1), date(2026, 3, 31), date(2026, 2, 1))
    return refused.value.message


def test_a_refusal_raised_in_a_german_request_is_german(app):
    with app.test_request_context("/", headers={"Accept-Language": "de-DE"}):
        assert _refusal_opening_on_1_march() == "Die Anmeldung für diese Kohorte öffnet am 1. März 2026."
        with pytest.raises(IllegalTransition) as illegal:
            CohortState.DRAFT.finish()
        assert illegal.value.message == ("Sie können eine Kohorte im Zustand „Entwurf“ nicht abschließen: Das ist nur "
                                         "im Zustand „laufend“ möglich.")
        with pytest.raises(InvalidInput) as invalid:
            check_grade(7.5, [], 9, None)
        assert invalid.value.message == "Geben Sie eine Punktzahl von 0 bis 7,5 an." and invalid.value.field == "score"
        assert NotFound().message == "Dieser Eintrag existiert in diesem Kurs nicht (oder gehört zu einem anderen Kurs)."
        assert CohortState.ENROLMENT_OPEN.label == "Anmeldung offen"


def test_the_same_refusal_outside_any_request_is_english(app):
    assert _refusal_opening_on_1_march() == "Enrolment in this cohort opens on 1 March 2026."
    with pytest.raises(IllegalTransition) as illegal:
        CohortState.DRAFT.finish()
    assert illegal.value.message == ("You cannot finish a cohort that is “draft”: this is only possible when it is "
                                     "“running”.")
    with pytest.raises(InvalidInput) as invalid:
        check_grade(7.5, [], 9, None)
    assert invalid.value.message == "Give a score from 0 to 7.5."
    assert NotFound().message == "The record does not exist in this course (or belongs to another one)."
    assert isinstance(NotFound().message, str) and CohortState.ENROLMENT_OPEN.label == "Enrolment open"


def test_an_english_request_reads_as_before(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert _refusal_opening_on_1_march() == "Enrolment in this cohort opens on 1 March 2026."
