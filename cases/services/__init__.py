"""Every write to the stings and prosecution records, one module per domain word."""
