"""Storage: the SQLModel tables, the database, and the case store."""
