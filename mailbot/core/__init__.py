"""The pure core: decisions about mail and cases, with no I/O."""
