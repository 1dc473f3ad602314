"""The config bundle: format, export, lint, validate, import, diff."""
