"""The merchant console: the store host's /console/ pages (its routes in urls.py)."""
