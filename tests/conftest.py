"""Root conftest: makes the repository root importable for tests run without installing."""
