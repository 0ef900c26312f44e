"""Where each part of a merged rulebook was written, when it was not written in one file.

A rulebook may take sections from another rulebook (``include:`` with ``take:``) and may be
changed by overrides (``--set``, an override file, an include's ``set:``). Errors must still
point at the line that was written: a :class:`LayeredSource` answers for the merged
document as its own file does, except under the paths *redirected* to another source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eligibility.errors import SourceLocation
from eligibility.rulebook.yaml_source import SourceMap, YamlPath


@dataclass
class LayeredSource(SourceMap):
    """A source map whose parts under some paths live in other sources.

    ``redirects`` maps a path of the merged document to (the source it was written in, the
    path of the same value there). The longest redirected prefix of a path wins.
    """

    redirects: dict[YamlPath, tuple[SourceMap, YamlPath]] = field(default_factory=dict)

    @classmethod
    def over(cls, base: SourceMap) -> LayeredSource:
        """A layered map that reads as ``base`` until something is redirected."""
        redirects = dict(base.redirects) if isinstance(base, LayeredSource) else {}
        return cls(base.file, base.lines, base.positions, sha256=base.sha256,
                   redirects=redirects)

    def redirect(self, path: YamlPath, source: SourceMap, target: YamlPath) -> None:
        """Say that the value at ``path`` (and everything under it) is written at ``target``
        of ``source``."""
        if not path:
            raise ValueError("the whole document cannot be redirected")
        self.redirects[path] = (source, target)

    def location(self, path: YamlPath) -> SourceLocation:
        found = self._redirected(path)
        if found is None:
            return super().location(path)
        source, target = found
        return source.location(target)

    def location_in_scalar(self, path: YamlPath, line: int, offset: int) -> SourceLocation:
        found = self._redirected(path)
        if found is None:
            return super().location_in_scalar(path, line, offset)
        source, target = found
        return source.location_in_scalar(target, line, offset)

    def _redirected(self, path: YamlPath) -> tuple[SourceMap, YamlPath] | None:
        for length in range(len(path), 0, -1):
            hit = self.redirects.get(path[:length])
            if hit is not None:
                source, target = hit
                return source, (*target, *path[length:])
        return None
