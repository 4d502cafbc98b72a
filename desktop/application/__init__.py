"""desktop/application."""
