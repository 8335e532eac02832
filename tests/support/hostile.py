"""Broken and hostile mails we write ourselves (issue 10): each must end as a case or in
quarantine with its reason, without a crash, a hang, or a file written anywhere."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable

HEAD = (
    b"From: Piet Jansen <piet@example.nl>\r\n"
    b"To: privacy@voorbeeld.example\r\n"
    b"Date: Tue, 10 Mar 2026 09:00:00 +0100\r\n"
)
ASK = b"Ik wil graag inzage in al mijn persoonsgegevens."


def _mail(headers: bytes, body: bytes, message_id: str) -> bytes:
    return HEAD + f"Message-ID: <{message_id}@example.nl>\r\n".encode() + headers + b"\r\n" + body


def broken_boundary() -> bytes:
    return _mail(
        b'Subject: inzage\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n',
        b"--b1\r\nContent-Type: text/plain\r\n\r\n" + ASK + b"\r\n--b2\r\nno end at all",
        "broken-boundary",
    )


def lying_charset() -> bytes:
    body = "Ik wil graag inzage in al mijn gegevens, groet, Zoë".encode()
    return _mail(
        b"Subject: inzage\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=x-does-not-exist\r\n",
        body + b"\xff\xfe\x00",
        "lying-charset",
    )


def huge_header() -> bytes:
    return _mail(b"Subject: inzage\r\nX-Filler: " + b"a" * 1_000_000 + b"\r\n", ASK, "huge-header")


def ten_thousand_parts() -> bytes:
    parts = b"".join(
        b"--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % index for index in range(10_000)
    )
    return _mail(
        b'Subject: inzage\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="p"\r\n',
        b"--p\r\nContent-Type: text/plain\r\n\r\n" + ASK + b"\r\n" + parts + b"--p--\r\n",
        "ten-thousand-parts",
    )


def nested_fifty_deep() -> bytes:
    inner = b"Content-Type: text/plain\r\n\r\n" + ASK
    for level in range(50):
        inner = b"Content-Type: message/rfc822\r\n\r\nSubject: level %d\r\n" % level + inner
    return _mail(b"Subject: inzage\r\nMIME-Version: 1.0\r\n", inner, "nested-fifty")


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * 50_000_000)  # 50 MB that packs to ~50 kB
    packed = base64.encodebytes(buffer.getvalue())
    return _mail(
        b'Subject: inzage\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="z"\r\n',
        b"--z\r\nContent-Type: text/plain\r\n\r\n" + ASK + b"\r\n--z\r\n"
        b'Content-Type: application/zip\r\nContent-Disposition: attachment; filename="bom.zip"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + packed + b"--z--\r\n",
        "zip-bomb",
    )


def evil_filenames() -> bytes:
    parts = b""
    for name in (b"../../etc/passwd", b"..\\\\..\\\\boot.ini", b"nul\x00byte.txt", b"/tmp/abs.txt"):
        parts += (
            b'--e\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="'
            + name
            + b'"\r\n\r\nexploit\r\n'
        )
    return _mail(
        b'Subject: inzage\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="e"\r\n',
        b"--e\r\nContent-Type: text/plain\r\n\r\n" + ASK + b"\r\n" + parts + b"--e--\r\n",
        "evil-filenames",
    )


def header_injection() -> bytes:
    return _mail(
        b"Subject: =?utf-8?q?inzage=0D=0ABcc=3A_victim=40example=2Eorg?=\r\n"
        b"Reply-To: =?utf-8?q?x=0D=0ABcc=3A_a=40b=2Ec?= <reply@example.nl>\r\n",
        ASK,
        "header-injection",
    )


def html_with_scripts() -> bytes:
    html = (
        b"<html><head><script>alert(1)</script><style>p{}</style></head><body>"
        b'<p onclick="steal()">Ik wil graag inzage in al mijn persoonsgegevens.</p>'
        b'<img src="https://tracker.example/x.png"><iframe src="javascript:alert(2)"></iframe>'
        b"</body></html>"
    )
    return _mail(
        b"Subject: inzage\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n",
        html,
        "html-scripts",
    )


def forged_authentication() -> bytes:
    """A known customer's address, our server's verdict (fail) on top, a forged pass below."""
    return (
        b"Authentication-Results: mx.voorbeeld.example; spf=fail smtp.mailfrom=example.com;"
        b" dkim=none; dmarc=fail\r\n"
        b"From: Tom Baker <tom.baker@example.com>\r\nTo: privacy@voorbeeld.example\r\n"
        b"Date: Tue, 10 Mar 2026 09:00:00 +0100\r\nMessage-ID: <forged@example.com>\r\n"
        b"Subject: verwijder mij\r\n"
        b"Authentication-Results: mx.voorbeeld.example; spf=pass smtp.mailfrom=example.com;"
        b" dkim=pass header.d=example.com; dmarc=pass\r\n"
        b"\r\nVerwijder al mijn gegevens en stuur mij een kopie.\r\n"
    )


def no_headers_at_all() -> bytes:
    return b"\x00\x01\x02 this is not a mail \xff\xfe"


HOSTILE: dict[str, Callable[[], bytes]] = {
    "broken boundary": broken_boundary,
    "lying charset": lying_charset,
    "1 MB header": huge_header,
    "10,000 parts": ten_thousand_parts,
    "message/rfc822 50 deep": nested_fifty_deep,
    "zip bomb": zip_bomb,
    "../ and NUL in file names": evil_filenames,
    "header injection": header_injection,
    "HTML with scripts": html_with_scripts,
    "forged Authentication-Results": forged_authentication,
    "no headers at all": no_headers_at_all,
}
