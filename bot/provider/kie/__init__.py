"""kie.ai's Runway API (and its clone apikley): wire schemas, the HTTP client, callbacks."""
