"""A ``requests.Response`` built from a status, headers and body, as if the server sent it."""

from __future__ import annotations

import http.client
import io
from collections.abc import Mapping

import requests
from requests.adapters import HTTPAdapter


def canned_response(
    adapter: HTTPAdapter,
    request: requests.PreparedRequest,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    decode_content: bool = True,
) -> requests.Response:
    """The response ``adapter`` would build for ``request`` had the server answered this.

    The answer goes through the adapter's own ``build_response`` (cookies, encoding,
    ``response.request``), so the code reading it cannot tell it from a real one.

    Args:
        adapter: The adapter the request was sent through.
        request: The request it answers.
        status: The HTTP status; its reason phrase is the standard one.
        headers: The response headers.
        body: The body, as sent on the wire.
        decode_content: Whether a ``Content-Encoding`` in ``headers`` is decoded
            (False for a body stored already decoded).

    Returns:
        The response.
    """
    from urllib3 import HTTPResponse

    raw = HTTPResponse(
        body=io.BytesIO(body),
        headers=dict(headers),
        status=status,
        reason=http.client.responses.get(status, ""),
        preload_content=False,
        decode_content=decode_content,
    )
    return adapter.build_response(request, raw)
