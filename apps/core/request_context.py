"""The current request's id, kept in a context variable so services and log lines
can name it without passing the request around."""

import contextvars
import logging
import uuid

_request_id = contextvars.ContextVar("request_id", default="")


def new_request_id(incoming: str | None = None) -> str:
    value = (incoming or "")[:64] or uuid.uuid4().hex
    _request_id.set(value)
    return value


def current_request_id() -> str:
    return _request_id.get()


def clear_request_id() -> None:
    _request_id.set("")


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id() or "-"
        return True
