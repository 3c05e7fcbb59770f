"""The HTTP layer's rules: allowed hosts, and every transport failure retried then typed."""

from __future__ import annotations

import httpx
import pytest

from punos_lib.sources._http import HttpSession, check_url
from punos_lib.errors import InputError, ResponseError


@pytest.mark.parametrize("url", ["https://pxdata.stat.fi/PxWeb/api/v1/fi/", "http://127.0.0.1:8080/x",
                                 "http://localhost/x", "http://[::1]:9/x", "http://127.4.5.6/x"])
def test_allowed_urls(url):
    check_url(url)


@pytest.mark.parametrize("url", ["http://pxdata.stat.fi/x", "https://example.org/x", "http://127.evil.example/x",
                                 "http://127.0.0.1.nip.io/x", "https://[::1", "ftp://127.0.0.1/x"])
def test_refused_urls(url):
    with pytest.raises(InputError, match="refusing"):
        check_url(url)


def test_undecodable_body_is_retried_then_a_typed_error():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=b"not gzip at all")

    session = HttpSession(retries=2, backoff=0.0, transport=httpx.MockTransport(handler), sleep=lambda s: None)
    with pytest.raises(ResponseError, match="3 attempts"):
        session.request("GET", "https://pxdata.stat.fi/PxWeb/api/v1/fi/?config")
    assert len(calls) == 3


@pytest.mark.parametrize("url", ["https://pxdata.stat.fi:8443/PxWeb/api/v1/fi/", "https://geo.stat.fi:80/wfs",
                                 "https://api.vipunen.fi:444/api/resources"])
def test_known_hosts_only_on_port_443(url):
    with pytest.raises(InputError, match=r"port \d+ on .*port 443"):
        check_url(url)


def test_port_443_explicit_and_loopback_ports_are_allowed():
    check_url("https://pxdata.stat.fi:443/PxWeb/api/v1/fi/")
    check_url("http://127.0.0.1:8443/PxWeb/api/v1/fi/")
    with pytest.raises(InputError, match="not a valid URL"):
        check_url("https://pxdata.stat.fi:99999/x")


def test_a_client_on_another_port_is_refused_before_any_request():
    from punos_lib.sources.statfin import PxWebClient

    with pytest.raises(InputError, match="port 8443"):
        PxWebClient("https://pxdata.stat.fi:8443/PxWeb/api/v1")
    calls = []
    session = HttpSession(retries=0, transport=httpx.MockTransport(lambda r: calls.append(r) or httpx.Response(200)))
    with pytest.raises(InputError, match="port 8443"):
        session.request("GET", "https://pxdata.stat.fi:8443/PxWeb/api/v1/fi/?config")
    assert calls == []
