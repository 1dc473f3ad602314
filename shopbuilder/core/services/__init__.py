"""Services: the only code that changes data. Each takes a session, validates,
writes, and raises `ValidationError` with field paths (nothing is written then)."""
