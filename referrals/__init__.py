"""Safe Harbor referrals: intake, services, follow-ups and closure."""
