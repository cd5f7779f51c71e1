"""Pages of the stings and prosecution work, one module per domain word."""
