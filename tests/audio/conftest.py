from tests.audio.fixtures import context_for

__all__ = ["context_for"]
