"""Built-in rule plugins, grouped by domain; shipped inside the wheel as ``pipelint.rules``."""
