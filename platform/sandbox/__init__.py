"""Local stand-ins for the outside services (WeChat mini-program API, WeChat Pay, Stripe) that speak their
real HTTP protocols, so development and tests run end to end with no credentials and no internet.
Nothing in the product imports this package; settings point the real SDKs at it."""
