"""Read-only figures for the merchant dashboard, across the store's apps (no models of its own)."""
