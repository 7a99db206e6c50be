"""Views: small classes bound to elements and canvases; the only modules that touch the DOM (with panels/)."""
