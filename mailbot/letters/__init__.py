"""Drafts: rendering replies from the company's templates, and the copies of a person's data."""
