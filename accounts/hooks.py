"""Facts a lower layer needs from a layer above it, without importing it.

The lower layer declares a Hooks subclass whose methods are neutral defaults (so it works on its
own); the upper layer installs its providers at start-up, in its AppConfig.ready().
"""


class Hooks:
    def install(self, **providers) -> None:
        for name, provider in providers.items():
            if not callable(getattr(type(self), name, None)):
                raise AttributeError(f"{type(self).__name__} has no hook {name!r}")
            setattr(self, name, provider)
