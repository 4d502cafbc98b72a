"""desktop/ui/register."""
