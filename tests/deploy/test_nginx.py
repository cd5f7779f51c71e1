"""deploy/nginx/taskforce.conf passes `nginx -t` (Debian's nginx; scripts/lib.sh installs it)
inside a minimal nginx.conf, with a self-signed certificate made for the test, and agrees with
the settings: uploads up to MAX_UPLOAD_BYTES get through, and no location serves the private
documents."""

import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "taskforce.conf"
CERT, KEY = "/etc/ssl/taskforce/fullchain.pem", "/etc/ssl/taskforce/privkey.pem"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=caseload.example.gov", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def _nginx_t(folder: Path, site_text: str) -> subprocess.CompletedProcess:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing (scripts/test.sh installs Debian's nginx)"
    cert, key = _self_signed(folder)
    (folder / "site.conf").write_text(site_text.replace(CERT, str(cert)).replace(KEY, str(key)))
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\n"
        "events {}\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    access_log off;\n"
        f"{temp}\n"
        f"    include {folder / 'site.conf'};\n"
        "}\n"
    )
    return subprocess.run(
        [nginx, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_site_passes_nginx_t(tmp_path):
    result = _nginx_t(tmp_path, SITE.read_text())
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr
    assert "[warn]" not in result.stderr


def test_nginx_t_would_catch_a_broken_site(tmp_path):
    broken = SITE.read_text().replace("proxy_pass http://taskforce_app;", "proxy_pass http://;")
    assert _nginx_t(tmp_path, broken).returncode != 0


def _size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def test_the_upload_limit_lets_the_largest_document_through_and_little_more():
    text = SITE.read_text()
    limit = _size(re.search(r"^\s*client_max_body_size (\S+);", text, re.M).group(1))
    # the multipart framing and the form's other fields need some room; not megabytes of it
    assert settings.MAX_UPLOAD_BYTES + 64 * 1024 <= limit <= settings.MAX_UPLOAD_BYTES + 2**21
    buffer = _size(re.search(r"^\s*client_body_buffer_size (\S+);", text, re.M).group(1))
    assert buffer >= limit  # an upload never lands in a temporary file of nginx's


def test_documents_and_downloads_never_touch_nginxs_disk():
    text = SITE.read_text()
    directives = [line.split("#")[0].strip() for line in text.splitlines()]
    assert not [d for d in directives if d.startswith(("root ", "alias ", "internal"))]
    assert "proxy_max_temp_file_size 0;" in directives
    assert "proxy_set_header X-Real-IP $remote_addr;" in directives
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in directives
