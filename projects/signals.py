"""Signals the apps built on projects answer: projects cannot import them."""

from django.dispatch import Signal

# Sent by the project admin once a project that hides its partners is saved with its
# links, as (sender=Project, project=...). Each receiver returns the warnings the editor
# should read: texts published elsewhere that still name the project's partners (the
# stories, stories/admin.py).
hidden_partners_saved = Signal()
