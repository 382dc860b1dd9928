"""The web layer: one blueprint per audience, error pages, security headers."""
from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    """Register blueprints, error handlers and response headers."""
    from lti_app.web import cookies, errors, security, throttle
    from lti_app.web.operators.routes import bp as admin_bp
    from lti_app.web.instructor.routes import bp as instructor_bp
    from lti_app.web.launch.deep_linking import bp as deep_linking_bp
    from lti_app.web.launch.registration import bp as registration_bp
    from lti_app.web.launch.routes import bp as launch_bp
    from lti_app.web.learner.routes import bp as learner_bp
    from lti_app.web.ids import IdConverter
    from lti_app.web.lms_administrators.routes import bp as lms_admin_bp
    from lti_app.web.mail_pages import bp as mail_bp

    app.url_map.converters["id"] = IdConverter  # before any route names it
    app.register_blueprint(launch_bp)
    app.register_blueprint(deep_linking_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(instructor_bp)
    app.register_blueprint(learner_bp)
    app.register_blueprint(lms_admin_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(mail_bp)
    if app.config["DEMO_ENABLED"]:
        from lti_app.demo.outbox import bp as demo_outbox_bp
        from lti_app.demo.routes import bp as demo_bp

        app.register_blueprint(demo_bp)
        app.register_blueprint(demo_outbox_bp)
    errors.register(app)
    security.register(app)
    cookies.register(app)
    throttle.register(app)  # after the blueprints: it wraps the sign-in view
    _register_url_helpers(app)


def _register_url_helpers(app: Flask) -> None:
    """Page numbers in every audience's URLs: pages keep their filters."""
    from lti_app.web.pagination import page_summary, page_url

    app.add_template_global(page_url, "page_url")
    app.add_template_global(page_summary, "page_summary_text")
