"""Services: what the worker, the CLI and (later) the web pages do, on top of core and storage."""
