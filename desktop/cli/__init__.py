"""desktop/cli."""
