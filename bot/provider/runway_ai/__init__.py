"""The second provider: the synchronous Runway AI API (seed 004), its client and media tools."""
