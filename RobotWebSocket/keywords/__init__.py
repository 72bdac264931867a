"""Keyword components, one module per concern, each holding the :class:`~.base.Context`
that ``RobotWebSocket/__init__.py`` gives them all (PythonLibCore's ``DynamicCore``)."""
