"""Live charts of the training history, drawn by uPlot (vendored, a classic script)."""
from js import Object, uPlot, window
from pyodide.ffi import to_js

TRAIN, TEST = "#0877bd", "#f59322"
GRID = "rgba(128, 128, 128, 0.18)"  # a neutral that reads on light and dark backgrounds


def _js(value):
    return to_js(value, dict_converter=Object.fromEntries)


TRAIN_TEST = ({"label": "train", "stroke": TRAIN, "width": 2},
              {"label": "test", "stroke": TEST, "width": 2, "dash": [6, 3]})


class Chart:
    """One uPlot chart of series against epochs (a train and a test series, unless `series` says
    others: uPlot series options, one per column); `ticks` labels the y axis (a JS callback kept
    by its owner)."""

    def __init__(self, element, title, log_scale, percent, ticks, series=TRAIN_TEST):
        self.el, self.title, self.log, self.percent, self.ticks = element, title, log_scale, percent, ticks
        self.series = [dict(s) for s in series]
        self.plot = None

    def _options(self):
        width = max(200, int(self.el.clientWidth or 300))
        y_scale = {"distr": 3} if self.log else ({"range": [0, 1]} if self.percent else {})
        return {
            "title": self.title, "width": width, "height": 132,
            "scales": {"x": {"time": False}, "y": y_scale},
            "legend": {"show": True, "live": False},
            "cursor": {"show": False},
            "series": [{"label": "epoch"}, *self.series],
            "axes": [
                {"stroke": "#6b7280", "grid": {"stroke": GRID}, "size": 30},
                {"stroke": "#6b7280", "grid": {"stroke": GRID}, "size": 58,
                 "values": self.ticks},
            ],
        }

    def set(self, epochs, *columns):
        """Draw the columns (one per series; None where a series has no value) against `epochs`."""
        data = _js([epochs, *columns])
        if self.plot is None:
            self.plot = uPlot.new(_js(self._options()), data, self.el)
        else:
            self.plot.setData(data)

    def resize(self):
        if self.plot is not None:
            self.plot.setSize(_js({"width": max(200, int(self.el.clientWidth or 300)), "height": 132}))

    def destroy(self):
        if self.plot is not None:
            self.plot.destroy()
            self.plot = None


def tick_labels(fmt):
    """uPlot's y-axis label callback for a format: the tick values as text."""
    return lambda u, splits, *rest: to_js(["" if v is None else fmt.format(v) for v in splits])


class Charts:
    """Loss (log scale) and accuracy or RMSE, for the session's kind of problem."""

    def __init__(self, loss_el, metric_el, proxies):
        self.loss_el, self.metric_el = loss_el, metric_el
        # the tick-label callbacks, made once for the page (uPlot calls them on every redraw)
        self._numbers = proxies.hold(tick_labels("{:.3g}"))
        self._percents = proxies.hold(tick_labels("{:.0%}"))
        self.loss = self.metric = None
        self.kind = None
        self.shown = -1  # the epoch last drawn

    def reset(self, session):
        for chart in (self.loss, self.metric):
            if chart is not None:
                chart.destroy()
        self.kind = session.kind
        self.loss = Chart(self.loss_el, "Loss", log_scale=True, percent=False, ticks=self._numbers)
        if session.kind == "classification":
            self.metric = Chart(self.metric_el, "Accuracy", log_scale=False, percent=True, ticks=self._percents)
        else:
            self.metric = Chart(self.metric_el, "RMSE", log_scale=True, percent=False, ticks=self._numbers)
        self.shown = -1

    def update(self, session):
        """Redraw from the session's (bounded) history if it moved on."""
        if session.epoch == self.shown:
            return False
        if self.kind != session.kind or self.loss is None:
            self.reset(session)
        h = session.history_table()
        self.loss.set(h["epoch"], h["train_loss"], h["test_loss"])
        key = "accuracy" if session.kind == "classification" else "rmse"
        self.metric.set(h["epoch"], h[f"train_{key}"], h[f"test_{key}"])
        self.shown = session.epoch
        return True

    def resize(self):
        for chart in (self.loss, self.metric):
            if chart is not None:
                chart.resize()


__all__ = ["Charts", "window"]
