"""The shared kernel: imports no app."""
