"""desktop/ui/backup."""
