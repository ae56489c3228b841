"""Test infrastructure: a throw-away PostgreSQL server and headless Chromium fixtures."""
