"""What a run leaves behind: the decisions table and its files, and the run's manifest."""
