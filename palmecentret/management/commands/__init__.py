"""The portal's own manage.py commands (load_demo)."""
