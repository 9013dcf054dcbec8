"""Functions each app contributes to a page that spans the product.

The partner portal's to-do list, a partner's health, the Chair's queue and
the tabs of a partner's page each gather what every app has to say. An app
contributes by decorating a function in its own module of the registry's
name (e.g. ``surveys/todo.py``), so no app imports another to be listed.
"""

from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules


class Registry:
    def __init__(self, module: str):
        self.module = module
        self._functions: list[Callable] = []

    def register(self, function: Callable) -> Callable:
        if function not in self._functions:
            self._functions.append(function)
        return function

    def unregister(self, function: Callable) -> None:
        self._functions.remove(function)

    def functions(self) -> list[Callable]:
        autodiscover_modules(self.module)
        return list(self._functions)
