"""The instructor's pages speak the instructor's language: here Spanish, from the person's LMS locale."""
from __future__ import annotations

from lti_app.extensions import db
from lti_app.mentoring.models.course import Membership
from lti_app.mentoring.models.person import Person
from tests.factories import make_cohort
from tests.web.course_pages import commit, launch


def _person(session) -> Person:
    with session.client.session_transaction() as stored:
        membership_id = stored["courses"][str(session.course_id)]["m"]
    return db.session.get(Membership, membership_id).person


def test_an_instructor_whose_locale_is_spanish_sees_the_course_home_and_cohort_in_spanish(app, platform):
    teacher = launch(app, platform, platform.instructor.sub, locale="es-ES")
    assert _person(teacher).locale == "es-ES"
    cohort = make_cohort(teacher.course, name="Piloto")
    commit()

    home = teacher.get("instructor/").get_data(as_text=True)
    assert '<html lang="es"' in home
    assert "Mentoría inversa en" in home and ">Crear una cohorte<" in home and "Siguiente paso" in home
    assert "Create a cohort" not in home and "Reverse mentoring in" not in home

    page = teacher.get(f"instructor/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Qué hacer a continuación" in page and "Normas básicas" in page and "Ver quién se inscribió" in page
    assert "What to do next" not in page and "Ground rules" not in page

    closed = teacher.post(f"instructor/cohorts/{cohort.id}/close", {})
    flashed = teacher.client.get(closed.headers["Location"]).get_data(as_text=True)
    assert "La inscripción está cerrada." in flashed and "Reabrir la inscripción" in flashed


def test_every_instructor_page_of_a_cohort_renders_in_spanish(app, platform):
    teacher = launch(app, platform, platform.instructor.sub, locale="es-ES")
    cohort = make_cohort(teacher.course, name="Piloto")
    commit()
    pages = {
        "instructor/guide": "Guía del coordinador",
        "instructor/cohorts/new": "Sobre la cohorte",
        f"instructor/cohorts/{cohort.id}/edit": "Guardar los cambios",
        f"instructor/cohorts/{cohort.id}/copy": "Crear la copia",
        f"instructor/cohorts/{cohort.id}/matching/settings": "Umbral y equidad",
        f"instructor/cohorts/{cohort.id}/matching/": "Cierre primero la inscripción",
        f"instructor/cohorts/{cohort.id}/participants/": "Personas en Piloto",
        f"instructor/cohorts/{cohort.id}/reflections/": "Todavía no hay reflexiones.",
        f"instructor/cohorts/{cohort.id}/reflections/new": "Rúbrica (opcional)",
        f"instructor/cohorts/{cohort.id}/completion/": "Finalización del programa",
    }
    for path, spanish in pages.items():
        page = teacher.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, path
        assert '<html lang="es"' in html and spanish in html, path
