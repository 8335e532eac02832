"""The backlog benchmark's baseline: fetch every mail of INBOX whole with imapclient, keep none.

    python bench/bare_fetch.py PORT USER      (password "secret", plain IMAP on loopback)

Kept apart from bench/backlog.py so that it imports imapclient and nothing else.
"""

from __future__ import annotations

import sys

from imapclient import IMAPClient


def main(port: int, user: str) -> None:
    client = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=60)
    client.login(user, "secret")
    client.select_folder("INBOX", readonly=True)
    uids = client.search("ALL")
    total = 0
    for start in range(0, len(uids), 100):
        for data in client.fetch(uids[start : start + 100], ["BODY.PEEK[]"]).values():
            total += len(data[b"BODY[]"])
    client.logout()
    print(len(uids), total)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
