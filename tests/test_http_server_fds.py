"""The HTTP server keeps answering when the process holds many open files.

A large store keeps thousands of files open (RocksDB: 6,609 at 30M triples), so the
server's sockets get descriptors above 1023, which ``select()`` cannot watch: waitress
then dies with "filedescriptor out of range in select()". The server must use poll().
"""

from __future__ import annotations

import os
import resource
import urllib.request

import pytest
from flask import Flask

from conftest import live_server

FILES = 1100  # enough to push the next descriptors past select()'s limit of 1024


@pytest.fixture
def many_open_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < FILES + 200:
        pytest.skip(f"the hard limit on open files ({hard}) is too low for this test")
    if soft != resource.RLIM_INFINITY and soft < FILES + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (FILES + 200, hard))
    fds = [os.open(os.devnull, os.O_RDONLY) for _ in range(FILES)]
    try:
        yield
    finally:
        for fd in fds:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_answers_with_socket_descriptors_above_1023(many_open_files):
    app = Flask(__name__)
    app.add_url_rule("/ping", "ping", lambda: "pong")
    with live_server(app) as root:
        with urllib.request.urlopen(f"{root}/ping", timeout=10) as response:
            assert response.read() == b"pong"
