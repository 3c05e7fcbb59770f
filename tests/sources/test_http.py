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
