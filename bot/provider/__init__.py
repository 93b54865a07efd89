"""The providers' wire schemas and HTTP clients: the only code that knows their URLs and JSON.

- `kie/`: kie.ai's asynchronous Runway API (tasks, callbacks, polling), and apikley.
"""
