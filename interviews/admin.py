"""Django loads `interviews.admin`: each part registers its own models in its admin module."""

from interviews.notifications import admin as notifications_admin  # noqa: F401
from interviews.scheduling import admin as scheduling_admin  # noqa: F401
from interviews.sessions import admin as sessions_admin  # noqa: F401
