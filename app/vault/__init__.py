"""The encrypted vault: SQLCipher database, key slots, migrations, backup and restore."""
