"""The platform host's pages: sign-up and the operator console (its routes in urls.py)."""
