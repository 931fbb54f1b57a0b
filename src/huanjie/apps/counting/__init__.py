"""Public counting (唱票、计票、监票): box reconciliation, double-entry ballots, projector."""
