"""One module per schema revision of the run ledger, oldest first."""
