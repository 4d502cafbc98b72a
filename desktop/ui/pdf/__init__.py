"""desktop/ui/pdf."""
