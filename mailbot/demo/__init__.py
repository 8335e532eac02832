"""The sample mailbox for ``mailbot demo``: requests in several languages, written by us."""
