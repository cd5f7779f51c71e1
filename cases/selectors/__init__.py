"""Every read of the stings and prosecution records, one module per domain word."""
