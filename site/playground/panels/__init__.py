"""Teaching panels below the playground, in the order they are shown (PANELS, with their titles). `common` holds what they
share (DOM builders, the refresh throttle); it is not a panel.

A panel is a class `Panel` bound to one <section id="panel-<module name>"> it fills itself:

    class Panel:
        def __init__(self, app, section): ...   # keeps self.section; reads app.session, app.running, app.selected
        def render(self, session, grid): ...    # the weights changed (also while the playground's pictures are
                                                # off screen: throttle yourself), or the panel came into view;
                                                # grid: every neuron over the input plane, or None (digits, or
                                                # not computed because the pictures are off screen)
        def reset(self, session): ...           # the network or data was rebuilt
        def select(self, point): ...            # optional: a data point was clicked: ("train"|"test", index) or None
        def tick(self, now): ...                # optional: the frame asked for with app.request_frame(self), in
                                                # the app's one loop (no timers of its own); ask again to go on

The modules are imported when the panels are built (the learner scrolls near them), not at boot.
"""
import importlib

# module name -> the panel's title (its heading; a class link's dialog names it so)
PANELS = {
    "step": "One step, explained",
    "audit": "Audit a point",
    "gradcheck": "Gradient check",
    "landscape": "Loss landscape",
    "race": "Optimizer race",
    "activations": "Activation explorer",
    "source": "The code",
}


def create(app, container, name):
    """Import panel module `name` and create its panel in a new <section class="panel teach">
    inside `container`."""
    from js import document

    module = importlib.import_module(f"{__name__}.{name}")
    section = document.createElement("section")
    section.className = "panel teach"
    section.id = f"panel-{name}"
    container.append(section)
    return module.Panel(app, section)
