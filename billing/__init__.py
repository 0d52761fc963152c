"""Merchant subscriptions with Stripe: the only package that imports `stripe` (see ARCHITECTURE.md)."""
