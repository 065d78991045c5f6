"""Optional virus scanning of uploads by ClamAV's daemon (clamd), spoken to directly.

Configured by CLAMAV_SOCKET (a unix socket path) or CLAMAV_HOST / CLAMAV_PORT; without
either, nothing is scanned. The INSTREAM command: send "zINSTREAM\\0", then the data in
chunks each preceded by its length (4 bytes, big-endian), then a zero length; clamd answers
"stream: OK", "stream: <signature> FOUND" or "... ERROR", terminated by "\\0".

A configured scanner that cannot be reached, times out or answers an error refuses the
upload (fails closed): a file nobody could scan is not stored.
"""

import socket
import struct

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    pass


def scanning_enabled() -> bool:
    return bool(settings.CLAMAV_SOCKET or settings.CLAMAV_HOST)


def _connect() -> socket.socket:
    timeout = settings.CLAMAV_TIMEOUT
    if settings.CLAMAV_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(settings.CLAMAV_SOCKET)
        return sock
    return socket.create_connection((settings.CLAMAV_HOST, settings.CLAMAV_PORT), timeout=timeout)


def instream(data: bytes) -> str:
    """clamd's verdict on `data` ("stream: OK", "stream: X FOUND"); ScannerUnavailable when
    the scanner cannot be reached or does not answer."""
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:  # refused, missing socket, timeout, reset
        raise ScannerUnavailable(str(error)) from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if not answer:
        raise ScannerUnavailable("empty answer")
    return answer


def scan(data: bytes, name: str) -> None:
    """Raise ValidationError (Chinese) when the file is infected or cannot be scanned; do
    nothing when no scanner is configured."""
    if not scanning_enabled():
        return
    try:
        answer = instream(data)
    except ScannerUnavailable as error:
        raise ValidationError(
            _("病毒查杀服务暂时不可用，文件“%(name)s”未能完成安全检查，请稍后再上传。")
            % {"name": name},
            code="scanner_unavailable",
        ) from error
    if answer.endswith("FOUND"):
        signature = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        raise ValidationError(
            _("文件“%(name)s”未通过病毒查杀（检出：%(signature)s），已拒绝上传。")
            % {"name": name, "signature": signature},
            code="infected",
        )
    if not answer.endswith("OK"):
        # "INSTREAM size limit exceeded. ERROR" and the like: not scanned, so not accepted.
        raise ValidationError(
            _("文件“%(name)s”未能完成病毒查杀（%(answer)s），请稍后再上传或联系管理员。")
            % {"name": name, "answer": answer[:100]},
            code="scanner_error",
        )
