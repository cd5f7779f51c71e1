"""Sign-in security (issue #9): second step, lockout, session limits, the person's own settings."""
