"""The repository's conftest keeps every test off the network, loopback excepted."""

from __future__ import annotations

import socket

import httpx
import pytest


def test_outbound_connections_are_refused() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(OSError, match="tests must not reach the network"),
    ):
        sock.connect(("198.51.100.7", 443))  # TEST-NET-2: never routed anyway


def test_httpx_sees_a_connect_error() -> None:
    with pytest.raises(httpx.ConnectError, match="tests must not reach the network"):
        httpx.get("http://198.51.100.7/", timeout=2)


def test_loopback_still_works() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with server, socket.create_connection(server.getsockname(), timeout=2) as client:
        accepted, _ = server.accept()
        with accepted:
            assert client.getpeername() == server.getsockname()
            client.sendall(b"ping")
            assert accepted.recv(4) == b"ping"  # a real loopback connection, both ways
