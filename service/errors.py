"""One error envelope for every HTTP error, and never a 500.

Every error answer is ``{"error": {"status": …, "title": …, "detail": …}}`` with
``Content-Type: application/json``: errors raised on purpose (:class:`ApiError`),
werkzeug's own (404, 405, 413 …) and, as a last resort, any exception, which is
logged with its traceback and answered 503 so a client can retry.
"""

from __future__ import annotations

from collections.abc import Mapping

import json

from flask import Flask, Response
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    """An error answer: HTTP status, short title, detail for people, extra headers."""

    def __init__(self, status: int, title: str, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = dict(headers or {})


def error_response(status: int, title: str, detail: str, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps({"error": {"status": status, "title": title, "detail": detail}}, ensure_ascii=False)
    response = Response(body + "\n", status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.title, exc.detail, exc.headers)


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 400
    if status >= 500:  # werkzeug's InternalServerError and kin: see the catch-all
        status = 503
    # Keep headers such as Allow (405) but not the HTML content type.
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return error_response(status, exc.name, exc.description or exc.name, headers)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)

    def unexpected(exc: Exception) -> Response:
        app.logger.exception("unexpected error while answering a request")
        return error_response(
            503, "Service error", "The service hit an unexpected error; it was logged. Try again later."
        )

    app.register_error_handler(Exception, unexpected)
