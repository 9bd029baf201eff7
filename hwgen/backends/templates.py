"""The one Jinja2 environment: templates/ at the repository root, StrictUndefined."""

from __future__ import annotations

import functools

import jinja2

from hwgen.paths import SHARE


@functools.cache
def environment() -> jinja2.Environment:
    """Jinja2 environment over templates/; a missing context value fails loudly."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SHARE / "templates")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context) -> str:
    """Render templates/`name` with `context`."""
    return environment().get_template(name).render(**context)
