"""One module per feature; each handler parses, calls one service method and renders."""
