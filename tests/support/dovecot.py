"""A real Dovecot IMAP server on loopback, started from a configuration in a temporary directory.

As root (CI) Dovecot runs its login processes as ``dovenull`` and the mail as
``nobody``; as an ordinary user everything runs as that user without chroots.
Users live in a passwd-file that Dovecot re-reads when it changes, so each
test gets a mailbox of its own on a shared server. XOAUTH2 logins are checked
by Dovecot's oauth2 passdb against a token-introspection URL the test serves.
"""

from __future__ import annotations

import contextlib
import grp
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from tests.support.sockets import free_port

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = {ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
mail_location = maildir:{root}/mail/%u
mail_fsync = never
verbose_proctitle = yes
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/mail/%u
}}
service imap-login {{
  {chroot}
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
{extra}
"""
OAUTH2 = """\
introspection_mode = post
introspection_url = http://127.0.0.1:{port}/introspect
username_attribute = username
active_attribute = active
active_value = true
"""


USERS = 500


class Dovecot:
    """One Dovecot server; ``start``, ``stop`` and ``restart`` keep the mail."""

    def __init__(
        self, root: Path, oauth_port: int = 0, capability: str = "", tls: bool = False
    ) -> None:
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        if not Path(binary).exists():
            pytest.fail(
                "Dovecot not found: install it with `apt-get install dovecot-imapd` (.ci/run does)",
                pytrace=False,
            )
        self.binary = binary
        self.doveadm_binary = shutil.which("doveadm") or "/usr/bin/doveadm"
        self.root = root
        self.port = free_port()
        self.oauth_port = oauth_port
        self.capability = capability  # e.g. a list without IDLE and MOVE, as older servers have
        self.tls_port = free_port() if tls else 0
        self.ca_file = root / "ca.pem" if tls else None
        self._users = itertools.count(1)
        root.mkdir(parents=True, exist_ok=True)
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir(exist_ok=True)
        root.chmod(0o755)
        # Users are written before the start: Dovecot notices a changed passwd-file by its
        # modification time, which two users added within one second would not change.
        users = [f"privacy{n}@voorbeeld.example:{{PLAIN}}secret" for n in range(1, USERS + 1)]
        (root / "passwd").write_text("\n".join(users) + "\n", encoding="utf-8")
        self._write_config()

    @property
    def config_file(self) -> Path:
        return self.root / "dovecot.conf"

    def _write_config(self) -> None:
        if os.geteuid() == 0:
            mail_user, mail_group = "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
            login_user, internal_user, chroot, extra = "dovenull", "dovecot", "", ""
            os.chown(
                self.root / "mail", pwd.getpwnam("nobody").pw_uid, pwd.getpwnam("nobody").pw_gid
            )
        else:
            me = pwd.getpwuid(os.geteuid()).pw_name
            mail_user, mail_group = me, grp.getgrgid(os.getegid()).gr_name
            login_user = internal_user = me
            chroot = "chroot ="
            extra = "service anvil {\n  chroot =\n}\n"
        ssl = "no"
        if self.ca_file is not None:
            import trustme

            authority = trustme.CA()
            issued = authority.issue_cert("127.0.0.1", "localhost")
            authority.cert_pem.write_to_path(str(self.ca_file))
            issued.private_key_pem.write_to_path(str(self.root / "key.pem"))
            issued.cert_chain_pems[0].write_to_path(str(self.root / "cert.pem"))
            ssl = f"yes\nssl_cert = <{self.root}/cert.pem\nssl_key = <{self.root}/key.pem"
        self.config_file.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                tls_port=self.tls_port,
                ssl=ssl,
                login_user=login_user,
                internal_user=internal_user,
                mail_user=mail_user,
                mail_group=mail_group,
                chroot=chroot,
                extra=extra + (f"imap_capability = {self.capability}\n" if self.capability else ""),
            ),
            encoding="utf-8",
        )
        (self.root / "oauth2.conf.ext").write_text(
            OAUTH2.format(port=self.oauth_port or 9), encoding="utf-8"
        )

    def start(self) -> None:
        with (self.root / "start.log").open("ab") as log:
            done = subprocess.run(
                [self.binary, "-c", str(self.config_file)],
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        if done.returncode != 0:
            self._fail("dovecot did not start")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:  # listening, and its auth process answers
            with contextlib.suppress(OSError, IMAPClientError):
                self.client("privacy1@voorbeeld.example").logout()
                return
            time.sleep(0.05)
        self._fail("dovecot did not accept a login")

    def _fail(self, why: str) -> None:
        logs = []
        for name in ("start.log", "dovecot.log"):
            path = self.root / name
            if path.exists():
                logs.append(path.read_text(errors="replace")[-2000:])
        pytest.fail(f"{why}: {' | '.join(logs)}", pytrace=False)

    def _pid(self) -> int | None:
        try:
            return int((self.root / "run" / "master.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self, grace: float = 10) -> None:
        """Stop the server: SIGTERM, and SIGKILL after ``grace`` seconds."""
        pid = self._pid()
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        # the login processes may hold the port a moment longer
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
            except OSError:
                return
            time.sleep(0.05)

    def restart(self) -> None:
        self.stop()
        self.start()

    def add_user(self) -> str:
        """A mailbox nobody has used yet (password "secret")."""
        number = next(self._users)
        if number > USERS:
            pytest.fail(f"more than {USERS} Dovecot users asked for", pytrace=False)
        return f"privacy{number}@voorbeeld.example"

    def client(self, user: str, password: str = "secret") -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(user, password)
        return client

    def append(self, user: str, *mails: bytes, folder: str = "INBOX") -> None:
        client = self.client(user)
        try:
            for raw in mails:
                client.append(folder, raw)
        finally:
            client.logout()

    def uids(self, user: str, folder: str = "INBOX") -> list[int]:
        client = self.client(user)
        try:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            return sorted(client.search("ALL"))
        finally:
            client.logout()

    def idling(self, user: str) -> int:
        """How many of ``user``'s IMAP sessions on this server are in IDLE now.

        Read from the session processes' titles (``verbose_proctitle``), which name the
        command in progress: a test waits for this instead of sleeping "until it idles".
        """
        master = self._pid()
        found = 0
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
                title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
            if parent == master and title.startswith("dovecot/imap [") and f"[{user} " in title:
                found += title.rstrip().endswith(" IDLE]")
        return found

    def doveadm(self, *args: str) -> str:
        done = subprocess.run(
            [self.doveadm_binary, "-c", str(self.config_file), *args],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"doveadm {' '.join(args)} failed: {done.stderr}", pytrace=False)
        return done.stdout
