"""The window: PySide6 widgets over the service layer."""
