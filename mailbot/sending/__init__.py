"""Sending: the SMTP adapter (``smtp.SmtpSender``) behind the ``MailSender`` port."""
