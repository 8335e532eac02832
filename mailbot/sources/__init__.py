"""Mail sources: adapters that implement ``ports.MailSource``."""
