"""desktop/ui/lifecycle."""
