"""Instructor forms on a cohort's pairs: open confidential content with a reason, end a pair, re-pair, close."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from lti_app.mentoring.domain.pair_feedback import REASON_MAX, REASON_MIN
from lti_app.mentoring.services.pair_admin import REASON_MAX as END_REASON_MAX
from lti_app.mentoring.services.pair_admin import REASON_MIN as END_REASON_MIN
from lti_app.web.ids import MAX_ID


class OpenContentForm(FlaskForm):
    """Open a pair's meeting notes or feedback (named in the URL): the reason is logged and shown to the pair."""

    reason = TextAreaField(_l("Why do you need to read this?"), validators=[
        InputRequired(_l("Give a reason: the pair will see it.")),
        Length(REASON_MIN, REASON_MAX, _l("Give a reason of %(min)d to %(max)d characters.", min=REASON_MIN,
                                          max=REASON_MAX))])


class EndPairForm(FlaskForm):
    """End a pair, with a reason kept in the record."""

    reason = TextAreaField(_l("Why does this pair end?"), validators=[
        InputRequired(_l("Give a reason.")),
        Length(END_REASON_MIN, END_REASON_MAX, _l("Give a reason of %(min)d to %(max)d characters.",
                                                  min=END_REASON_MIN, max=END_REASON_MAX))])


class RepairForm(FlaskForm):
    """Pair a person with the candidate chosen (no candidate: the best one)."""

    partner = IntegerField(validators=[Optional(), NumberRange(1, MAX_ID, _l("Choose someone from the list of possible partners."))])


class CloseCohortForm(FlaskForm):
    """Closing ends every pair, so the instructor ticks a box to confirm."""

    confirmed = BooleanField(_l("End every active pair and finish the cohort"),
                             validators=[InputRequired(_l("Tick the box to confirm you want to close the cohort."))])
