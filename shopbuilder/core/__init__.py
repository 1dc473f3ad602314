"""The GUI-free domain: models, storage, migrations and services."""
