"""The HTTP server: waitress, with the few changes a public endpoint needs.

- A request whose Transfer-Encoding waitress does not implement (``gzip``,
  ``chunked, gzip`` …) gets 400, not waitress's 501: its body length cannot be
  known, which RFC 9112 §6.3 answers with 400, and the endpoint never answers 5xx
  to a client's mistake.
- Idle connections (a request cut off mid-way, slowloris) are closed after
  ``channel_timeout`` seconds of silence, not waitress's 120; a running query is
  never cut by this (waitress only closes channels with no request in progress).
- Sockets are watched with poll(), not select(): a large store keeps thousands of
  files open (RocksDB: 6,609 at 30M triples), which puts the sockets' descriptors
  above 1023, where select() fails ("filedescriptor out of range") and the server dies.
"""

from __future__ import annotations

from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, create_server
from waitress.utilities import BadRequest, ServerNotImplemented

#: Seconds of silence after which a connection with no complete request is closed.
CHANNEL_TIMEOUT = 20
#: Seconds between waitress's checks for such connections.
CLEANUP_INTERVAL = 5


class _Parser(HTTPRequestParser):
    def received(self, data: bytes) -> int:
        consumed = super().received(data)
        if isinstance(self.error, ServerNotImplemented):
            self.error = BadRequest(self.error.body)
        return consumed


class _Channel(HTTPChannel):
    parser_class = _Parser


def create_http_server(app: Any, **options: Any) -> Any:
    """``waitress.server.create_server`` with the changes above (options as waitress's)."""
    options = {"channel_timeout": CHANNEL_TIMEOUT, "cleanup_interval": CLEANUP_INTERVAL,
               "asyncore_use_poll": True, **options}
    server = create_server(app, **options)
    # One listening socket: the server itself; several: a MultiSocketServer whose map holds them.
    for s in [server, *list(getattr(server, "map", {}).values())]:
        if isinstance(s, BaseWSGIServer):
            s.channel_class = _Channel
    return server
