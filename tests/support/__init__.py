"""What the tests share: servers they start, mails and configurations they write, waiting.

No test module imports another; what two of them need lives here. The fixtures
that hand these out are in ``tests/conftest.py`` (and ``tests/web/conftest.py``).
"""
