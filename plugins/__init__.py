"""abr's built-in components. They register through the same hooks as any third-party plugin
(see :mod:`abr.plugins.builtin`)."""
