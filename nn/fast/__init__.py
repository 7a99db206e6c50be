"""Speed paths: each computes what a readable function elsewhere computes, faster, and a test holds it equal.

Each module names the readable function it mirrors in MIRRORS. Nothing here is imported by
`nn/__init__`; the modules are imported one by one, so no folder imports this package whole."""
