"""kmodquiz as an LTI 1.3 Advantage tool: launch, deep linking, grades and rosters.

An optional Django app: it uses the core (models, services, stats, signals) and nothing in the
core imports it, so an operator may leave `quizzes.lti` out of INSTALLED_APPS (or set
KMODQUIZ_LTI_ENABLED=0) and the rest of the site works unchanged. docs/lti.md tells how to
register the tool in Moodle and Canvas.
"""
