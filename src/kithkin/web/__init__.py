"""The web UI and the JSON API: thin interfaces over the store (`kithkin serve`).

FastAPI, uvicorn and Jinja2 are imported only below this package, so the CLI stays quick.
"""
