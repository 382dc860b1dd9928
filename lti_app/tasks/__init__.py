"""Background processes that join the programme to the LMS: grade sync, matching runs, the jobs mechanism, their CLI.

Between ``web`` and ``mentoring``/``lti``: ``web`` starts them after its commit; they use ``mentoring`` and ``lti``
and commit their own work; they never import ``web``.
"""
