"""The lint rules, one module per rule: ``<family>/<id>_<name>.py``.

A rule module has

* a docstring that is its documentation (summary line, then the headings What it checks /
  Why it matters / Example / Use instead / References; see :mod:`policyengine.lint.docs`);
* ``ID = "KP001"``, the id of its row in :mod:`policyengine.lint.registry`;
* ``check(document, context)``, a generator of :class:`policyengine.lint.model.Hit`. The
  runner only gives it the documents its scope covers (policy documents of the scope's policy
  types, grants, keys or worlds); ``KINDS = ("broken",)`` overrides that (POL001).

Security rules reason with the engine (:mod:`policyengine.lint.analysis`), not with string
patterns.
"""
