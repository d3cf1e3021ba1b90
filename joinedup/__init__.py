"""joinedup: whole-system intelligence for a place's People services, joined up around the person."""

__version__ = "0.1.0"
__all__ = ["__version__"]
