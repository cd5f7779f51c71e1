"""What every page shares: form errors, lists with cursors, CSV exports, private search."""
