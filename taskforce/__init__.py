"""Task Force Caseload: project settings and the cross-cutting core (agencies, access, audit)."""

from taskforce.celery import app as celery_app

__all__ = ("celery_app",)
