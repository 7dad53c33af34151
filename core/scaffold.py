"""``abr plugin new``: a new pip-installable plugin package rendered from the template in ``abr/templates/plugin``.

The package is written to a temporary folder beside its destination and renamed into place only when every
file is written, so a failed run leaves nothing behind, and an existing folder is never overwritten. abr's
test suite renders it, installs it and runs its tests, so the template cannot drift from the API.
"""

from __future__ import annotations

import os
import re
import shutil
from importlib import resources
from pathlib import Path
from string import Template

import attrs
from abr.errors import AbrError

NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
MAX_NAME = 40
RESERVED = ("abr",)
#: template file -> where it goes in the package (``{module}`` is the import name)
FILES = (
    ("pyproject.toml.tmpl", "pyproject.toml"),
    ("README.md.tmpl", "README.md"),
    ("gitignore.tmpl", ".gitignore"),
    ("init.py.tmpl", "src/{module}/__init__.py"),
    ("pattern.py.tmpl", "src/{module}/pattern.py"),
    ("skill.py.tmpl", "src/{module}/skill.py"),
    ("test_plugin.py.tmpl", "tests/test_plugin.py"),
)


@attrs.frozen
class PluginNames:
    """The names one plugin goes by: entry point (its namespace), distribution, module, folder."""

    name: str
    dist: str
    module: str

    @classmethod
    def of(cls, name: str) -> PluginNames:
        if name in RESERVED:
            raise AbrError(f"the plugin name '{name}' is reserved for abr's built-ins; choose another NAME")
        if len(name) > MAX_NAME or not NAME_RE.match(name):
            raise AbrError(f"invalid plugin name {name!r}: use lowercase letters and digits, starting with a letter, "
                           f"with single '-' or '_' between parts, at most {MAX_NAME} characters (e.g. 'temporal' "
                           f"or 'my-pattern')")
        return cls(name, f"abr-plugin-{name}", f"abr_plugin_{name.replace('-', '_')}")


def abr_requirement(version: str) -> str:
    """The dependency a new plugin declares: this abr's minor series (0.x minors may change the API)."""
    major, minor = (int(p) for p in version.split(".")[:2])
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f"abr>={major}.{minor},<{upper}"


def render_plugin(name: str, parent: str | Path = ".") -> Path:
    """Write the package ``abr-plugin-NAME`` under ``parent`` and return its path."""
    from abr import __version__

    names = PluginNames.of(name)
    parent = Path(parent)
    final = parent / names.dist
    if final.exists():
        raise AbrError(f"'{final}' already exists; abr plugin new never overwrites — choose another NAME or --dir")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AbrError(f"cannot create '{parent}': {exc.strerror}; choose another --dir") from None
    values = {"name": names.name, "dist": names.dist, "module": names.module,
              "abr_requirement": abr_requirement(__version__)}
    tmp = parent / f".{names.dist}.tmp-{os.getpid()}"
    try:
        for template, target in FILES:
            path = tmp / target.format(module=names.module)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(Template(_template(template)).substitute(values), encoding="utf-8")
        if final.exists():
            raise AbrError(f"'{final}' appeared while the plugin was being written; nothing was changed")
        os.rename(tmp, final)
    except OSError as exc:
        raise AbrError(f"cannot write the plugin under '{parent}': {exc.strerror}; choose another --dir") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def _template(name: str) -> str:
    return resources.files("abr").joinpath("templates").joinpath("plugin").joinpath(name).read_text(encoding="utf-8")
