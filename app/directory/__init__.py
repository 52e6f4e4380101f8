"""Services directory and signposting rules: from a result to the right services."""
