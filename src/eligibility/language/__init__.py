"""The rule language: types, typed trees, the parser, and the registry that gives every
operator, function and reducer its one meaning (:mod:`.registry`), evaluated directly by
:mod:`.reference` and lowered by each engine."""
