"""Embedded developer mode: what ``make run`` uses.

DEBUG is on and a fixed development secret is used unless the environment
gives one; nothing here is fit for a network-facing server.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="cdt-local-development-key-not-for-production")
