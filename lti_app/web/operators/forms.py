"""The operators' forms; every one carries a CSRF token (Flask-WTF)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from lti_app.lti.management import PlatformFields

MAX_OVERLAP_HOURS = 24 * 30


def http_url(form: FlaskForm, field: StringField) -> None:
    """An absolute http(s) URL, as the LMS's own endpoints are."""
    parts = urlsplit(field.data or "")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValidationError(_l("Enter an http(s) URL, e.g. https://lms.example.edu/mod/lti/auth.php."))


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    """An operator's address and password."""

    email = StringField(_l("E-mail address"), validators=[DataRequired(), Length(max=255)], filters=[_strip])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class PlatformForm(FlaskForm):
    """A registration's identity and endpoints."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[_strip])
    issuer = StringField(_l("Issuer"), validators=[DataRequired(), Length(max=255), http_url], filters=[_strip])
    client_id = StringField(_l("Client ID"), validators=[DataRequired(), Length(max=255)], filters=[_strip])
    auth_login_url = StringField(_l("OIDC authorisation URL"), validators=[DataRequired(), Length(max=1000), http_url], filters=[_strip])
    auth_token_url = StringField(_l("Access token URL"), validators=[DataRequired(), Length(max=1000), http_url], filters=[_strip])
    auth_audience = StringField(_l("Token audience (when not the token URL)"), validators=[Optional(), Length(max=1000)], filters=[_strip])
    key_set_url = StringField(_l("Public keyset URL"), validators=[Optional(), Length(max=1000), http_url], filters=[_strip])

    def fields(self) -> PlatformFields:
        """The submitted values."""
        return PlatformFields(
            name=self.name.data, issuer=self.issuer.data, client_id=self.client_id.data,
            auth_login_url=self.auth_login_url.data, auth_token_url=self.auth_token_url.data,
            auth_audience=self.auth_audience.data or None, key_set_url=self.key_set_url.data or None,
        )


class DeploymentForm(FlaskForm):
    """A deployment ID to register."""

    deployment_id = StringField(_l("Deployment ID"), validators=[DataRequired(), Length(max=255)], filters=[_strip])
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=200)], filters=[_strip])


class RotateForm(FlaskForm):
    """A new signing key, and how long the older keys stay published beside it."""

    retire_after_hours = IntegerField(
        _l("Keep the old keys published for (hours)"), default=24,
        validators=[InputRequired(), NumberRange(min=0, max=MAX_OVERLAP_HOURS)],
    )


class RetireForm(FlaskForm):
    """Retire one key now (0 hours) or after some hours."""

    kid = HiddenField(validators=[DataRequired(), Length(max=100)])
    after_hours = IntegerField(
        _l("Retire after (hours, 0 = now)"), default=0, validators=[InputRequired(), NumberRange(min=0, max=MAX_OVERLAP_HOURS)]
    )
