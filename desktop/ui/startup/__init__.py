"""desktop/ui/startup."""
