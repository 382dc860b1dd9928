"""Named launch failures. Each carries an HTTP status, what went wrong, and what to ask the administrator.

Every failure of login, launch or deep linking is raised as one of these and rendered by one page
(``templates/errors/launch.html``); a rejected launch writes nothing to the database.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l


class LaunchError(Exception):
    """Base of all launch failures."""

    status = 400
    title = _l("This launch could not be completed")
    advice = _l("Try launching again from your course. If it happens again, tell your LMS administrator.")

    def __init__(self, detail: str = "", *, platform_id: int | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        # The registration the refused launch named, when known (for the operators' error counts).
        self.platform_id = platform_id

    @property
    def code(self) -> str:
        """A stable name for logs and support requests."""
        return type(self).__name__


class UnknownPlatform(LaunchError):
    """The issuer and client id are not registered with this tool."""

    status = 403
    title = _l("This LMS is not registered with ReMentor")
    advice = _l(
        "Ask your LMS administrator to register ReMentor (issuer and client ID) with the tool's operator, "
        "or to finish the dynamic registration."
    )


class InactivePlatform(UnknownPlatform):
    """The registration exists but is switched off."""

    title = _l("ReMentor is switched off for this LMS")
    advice = _l("Ask your LMS administrator to have the tool's operator activate this registration.")


class UnknownDeployment(LaunchError):
    """The deployment id is not one of the registration's deployments."""

    status = 403
    title = _l("This deployment of ReMentor is not known")
    advice = _l("Ask your LMS administrator to register this deployment ID with the tool's operator.")


class InactiveDeployment(UnknownDeployment):
    """The deployment exists but is switched off or awaits approval."""

    title = _l("This deployment of ReMentor is not active")
    advice = _l("Ask your LMS administrator to have the tool's operator activate this deployment.")


class LaunchExpired(LaunchError):
    """The launch token's time has passed (or the login took too long)."""

    title = _l("This launch has expired")
    advice = _l("Go back to your course and launch ReMentor again. If it keeps happening, the LMS server's clock may be wrong.")


class ReplayedLaunch(LaunchError):
    """The launch token was already used (its nonce is spent)."""

    title = _l("This launch was already used")
    advice = _l("Launch ReMentor again from your course; each launch link works once.")


class StateMismatch(LaunchError):
    """The launch does not belong to the login that this browser started (state cookie missing or different)."""

    title = _l("Your browser did not keep the launch session")
    advice = _l(
        "Your browser may block cookies inside the course page. Go back to your course and open ReMentor again. "
        "If this keeps happening, allow cookies for this site in your browser, or ask your course's teacher to "
        "open the activity in a new window (Moodle: the activity's Launch container “New window”; Canvas: the "
        "tool's “Load in a new tab” option)."
    )


class InvalidToken(LaunchError):
    """The launch token is malformed, unsigned, signed with the wrong key or for another audience."""

    status = 401
    title = _l("The launch could not be verified")
    advice = _l(
        "Tell your LMS administrator: the platform's signature, keys or client ID do not match "
        "what is registered with ReMentor."
    )


class MissingClaim(LaunchError):
    """A claim the launch needs is absent."""

    title = _l("The launch is missing required information")
    advice = _l("Tell your LMS administrator which item is missing (shown below); the tool's settings in the LMS may need fixing.")


class InvalidClaim(LaunchError):
    """A claim the tool reads has a value of the wrong JSON type or form (lti/claim_types.py)."""

    title = _l("The launch carries information ReMentor cannot read")
    advice = _l(
        "Tell your LMS administrator which item is malformed (shown below): the LMS sent it in a form "
        "LTI 1.3 does not allow."
    )


class WrongMessageType(LaunchError):
    """An LTI message type this endpoint does not handle."""

    title = _l("ReMentor cannot handle this kind of launch")
    advice = _l("Tell your LMS administrator; the tool placement may be configured with the wrong message type.")


class ForeignTargetLink(LaunchError):
    """The target_link_uri points somewhere other than this tool."""

    status = 403
    title = _l("The launch points to another site")
    advice = _l("Tell your LMS administrator: the tool's launch URL in the LMS must be this tool's URL.")


class InvalidLogin(LaunchError):
    """The OIDC login initiation request is malformed."""

    title = _l("The login request from the LMS is incomplete")
    advice = _l("Launch again from your course. If it keeps happening, tell your LMS administrator.")


class PlatformUnavailable(LaunchError):
    """The platform could not be reached (key set, token or service endpoint)."""

    status = 502
    title = _l("The LMS could not be reached")
    advice = _l("Try again in a few minutes. If it keeps happening, tell your LMS administrator.")


class SessionExpired(LaunchError):
    """A later request whose launch session is gone (expired, other browser, cookies blocked)."""

    status = 401
    title = _l("Your ReMentor session has ended")
    advice = _l("Go back to your course and open ReMentor again.")


# -- approval of registrations and deployments (LTI_NOTES §3 row 7) ------------------------------------
class PlatformAwaitingApproval(InactivePlatform):
    """A dynamic registration that the tool's operator has not approved yet."""

    title = _l("ReMentor is waiting for its operator's approval")
    advice = _l(
        "Your LMS registered ReMentor, and the tool's operator has not approved that registration yet. "
        "Ask your LMS administrator to ask the operator to approve it; launches work from then on."
    )


class DeploymentAwaitingApproval(InactiveDeployment):
    """A deployment first seen in this launch (or seen before), not yet approved by the tool's operator."""

    title = _l("This installation of ReMentor is waiting for approval")
    advice = _l(
        "ReMentor was added to this part of your LMS (a new deployment) and the tool's operator has been "
        "asked to approve it. Try again once your LMS administrator says it was approved."
    )


# -- dynamic registration (LTI Dynamic Registration 1.0) -----------------------------------------------
class RegistrationError(LaunchError):
    """A dynamic registration that could not be completed; nothing was stored."""

    title = _l("ReMentor could not be registered")
    advice = _l("Start the registration again from your LMS. If it fails again, give the error code to ReMentor's operator.")


class RegistrationRequestInvalid(RegistrationError):
    """The registration page was opened without a registration token or a usable configuration URL."""

    title = _l("The registration request from the LMS is incomplete")
    advice = _l(
        "Open this address from your LMS's tool registration page (Moodle: 'Add LTI Advantage'; "
        "Canvas: 'Install a new app by Dynamic Registration'), not directly in the browser."
    )


class RegistrationTokenRejected(RegistrationError):
    """The platform refused the registration token (expired, already used, or not its own)."""

    status = 403
    title = _l("The LMS refused the registration token")
    advice = _l(
        "Registration tokens expire after about an hour and work once. Start the registration again from your "
        "LMS; if ReMentor was already added there, remove that half-finished entry first."
    )


class PlatformConfigurationUnavailable(RegistrationError):
    """The platform's OpenID configuration could not be fetched, or is not a usable LTI configuration."""

    status = 502
    title = _l("ReMentor could not read your LMS's configuration")
    advice = _l(
        "ReMentor must reach your LMS over HTTPS from its server. Check that the LMS is reachable from the "
        "internet, then start the registration again."
    )


class InvalidPlatformConfiguration(PlatformConfigurationUnavailable):
    """The platform's configuration is not a usable LTI platform configuration (fields missing, not HTTPS)."""

    title = _l("Your LMS's configuration cannot be used")
    advice = _l(
        "The LMS answered, but not with an LTI 1.3 platform configuration ReMentor can use (details below). "
        "Check that LTI Advantage is enabled in the LMS and that it runs on HTTPS."
    )


class IssuerMismatch(RegistrationError):
    """The configuration names an issuer on another origin than the URL it was fetched from."""

    status = 403
    title = _l("Your LMS's configuration does not belong to the address it came from")
    advice = _l(
        "The LMS's configuration names another site as its issuer, so ReMentor cannot trust it. Tell your LMS "
        "administrator: the issuer (Moodle: the site's wwwroot) must be on the same address as the LMS."
    )


class RegistrationRefused(RegistrationError):
    """The platform answered our client registration with an error or without a client id."""

    status = 502
    title = _l("Your LMS did not accept ReMentor's registration")
    advice = _l("Start the registration again. If the LMS refuses again, give the details below to ReMentor's operator.")


class DuplicateRegistration(RegistrationError):
    """The platform returned a client id that is already registered with ReMentor; nothing was changed."""

    status = 409
    title = _l("ReMentor is already registered with this LMS")
    advice = _l(
        "This LMS client is already registered with ReMentor, so nothing was changed. Use the existing "
        "registration, or remove the duplicate tool in the LMS."
    )
