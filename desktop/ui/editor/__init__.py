"""desktop/ui/editor."""
