"""Services directory in the UI: the admin editor, the stale banner and the result panel's services."""
