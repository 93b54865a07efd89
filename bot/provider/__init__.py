"""The provider's wire schemas and HTTP client: the only code that knows its URLs and JSON."""
