"""Victims as people: identity, protected fields and consent to release information."""
