"""Storage: the SQLModel tables, the database, and one store per aggregate (the only SQL)."""
