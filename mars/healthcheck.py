"""The web container's health check: exit 0 when /healthz answers 200 (docker-compose.yml).

`python -m mars.healthcheck [PORT]` (8000 unless given).

Standard library only, so a check every half minute costs no Django start-up. It asks as the TLS
proxy in front does (X-Forwarded-Proto: https, a host from ALLOWED_HOSTS): a plain request to the
loopback would be redirected to https or refused as a host the site does not serve.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def host_to_ask_for(allowed_hosts: str) -> str:
    """The first name in ALLOWED_HOSTS that is a host (".example.org" serves example.org)."""
    for name in (part.strip() for part in allowed_hosts.split(",")):
        if name and name != "*":
            return name.lstrip(".")
    return "localhost"


def main(argv: list[str]) -> int:
    port = argv[1] if len(argv) > 1 else "8000"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={
            "Host": host_to_ask_for(os.environ.get("ALLOWED_HOSTS", "")),
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read().decode(), error.code
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    print(body)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
