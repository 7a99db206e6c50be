"""Opening a data table: the file input "Open a data table", a file dropped on the page, or an
example link. The table is read (nn.data.table), the default choice (the last column is the
target, the others the inputs) is applied at once on a fresh network, and the preview shows the
first rows, where the learner picks other inputs, the target and the two inputs on the plane.

A file that cannot be read, or a choice that cannot be learned, says so in one message (naming
the row and column) and changes nothing: the data and the network stay as they were.
"""
from js import document
from pyodide.ffi import create_once_callable

from nn import limits
from nn.data import examples, table

from ..logic import own_data
from .dom import by_id


TABLE_FILES = (".csv", ".tsv", ".txt", ".tab")


def is_table_file(name):
    """Whether a dropped file is a table by its name (a dropped .json is a saved session)."""
    return name.lower().endswith(TABLE_FILES)


class TableDialog:
    def __init__(self, app):
        self.app = app
        self.dialog = by_id("table-dialog")
        self.preview = by_id("table-preview")
        self.problem = by_id("table-problem")
        self.table = None        # the table last read (a Table), its file name, and the choice shown
        self.name = ""
        self.inputs, self.target = [], None
        listen = app.proxies.listen
        listen(by_id("table-file"), "change", self._file_chosen)
        listen(by_id("table-apply"), "click", lambda e: self._apply_shown())
        listen(by_id("table-close"), "click", lambda e: self.dialog.close())
        listen(by_id("table-choice"), "click", lambda e: self.show())
        listen(self.preview, "change", self._choice_changed)
        listen(by_id("plane-x1"), "change", lambda e: self._show_note())
        listen(by_id("plane-x2"), "change", lambda e: self._show_note())
        for name in examples.EXAMPLES:
            listen(by_id(f"example-{name}"), "click", lambda e, name=name: self.open_example(name))

    # -- opening ----------------------------------------------------------------------------------
    def _file_chosen(self, event):
        files = event.target.files
        if files.length:
            self.open_file(files.item(0))
        event.target.value = ""  # the same file can be opened again

    def open_file(self, file):
        name = str(file.name)
        if self.too_large(name, int(file.size)):
            return
        file.text().then(create_once_callable(lambda text: self.open_text(str(text), name)))

    def too_large(self, name, size):
        """Whether a table file is over the limit (said before reading it)."""
        if size > limits.MAX_TABLE_BYTES:
            self._refuse(name, f"The file is {size:,} bytes; a table can have at most "
                               f"{limits.MAX_TABLE_BYTES:,} bytes (1 MB).")
            return True
        return False

    def open_example(self, name):
        example = examples.EXAMPLES[name]
        self.app.apply(example.settings)  # its recommended network, as a built-in set's preset
        if self.open_text(examples.read(name), example.file, show=False):
            self.app.show_message(f"Opened the example table {example.file}. {example.about}",
                                  "Press play; “Columns…” shows the table and lets you pick other columns.",
                                  "info")

    def open_text(self, text, name, show=True):
        """Read `text`, apply the default choice on a fresh network, show the preview. True if the
        table's data is now learned from."""
        try:
            t = table.read_table(text)
        except ValueError as e:
            self._refuse(name, str(e))
            return False
        self.table, self.name = t, name
        self.inputs, self.target = table.default_choice(t)
        by_id("table-choice").hidden = False
        taken = self._apply(self.inputs, self.target)
        if show or not taken:
            self.show()
        return taken

    def _refuse(self, name, why):
        self.app.show_message(f"{name} was not opened. {why}", "The data and the network are as they were.", "error")

    def _apply(self, inputs, target):
        s = self.app.session
        try:
            data = table.choose(self.table, inputs, target, seed=s.data.params.get("seed", 0),
                                train_fraction=s.config["train_fraction"])
        except ValueError as e:
            self.problem.textContent = str(e)
            self.problem.hidden = False
            self._refuse(self.name, str(e))
            return False
        taken = self.app.set_data(data, fresh=True)
        self.problem.hidden = taken
        return taken

    # -- the preview --------------------------------------------------------------------------------
    def show(self):
        if self.table is None:
            return
        t = self.table
        by_id("table-summary").textContent = own_data.table_summary(t, self.name)
        self.preview.replaceChildren()
        head = self.preview.createTHead()
        names, uses = head.insertRow(), head.insertRow()
        names.append(self._cell("th", "row", "row-number"))
        uses.append(self._cell("th", "", "row-number"))
        for c, name in enumerate(t.names):
            th = self._cell("th", name)
            th.title = name
            names.append(th)
            use = self._cell("th", "", "use")
            use.append(self._choice_box("checkbox", f"Input: {name}", c, "input", c in self.inputs),
                       self._choice_box("radio", f"Target: {name}", c, "target", c == self.target))
            uses.append(use)
        body = self.preview.createTBody()
        for i, row in enumerate(t.rows[:own_data.PREVIEW_ROWS]):
            tr = body.insertRow()
            tr.append(self._cell("td", str(t.lines[i]), "row-number"))
            for value in row:
                td = self._cell("td", value)
                td.title = value
                tr.append(td)
        self._choice_changed(None)
        if not self.dialog.open:
            self.dialog.showModal()

    def _cell(self, tag, text, css=""):
        el = document.createElement(tag)
        el.textContent = text  # a table's text is shown as text, never as HTML
        if css:
            el.className = css
        return el

    def _choice_box(self, kind, label, column, role, checked):
        wrap = document.createElement("label")
        box = document.createElement("input")
        box.type = kind
        box.name = "table-target" if kind == "radio" else ""
        box.dataset.column, box.dataset.role = str(column), role
        box.checked = checked
        box.setAttribute("aria-label", label)
        wrap.append(box, document.createTextNode("target" if role == "target" else "input"))
        return wrap

    def _shown_choice(self):
        inputs = [int(b.dataset.column) for b in self.preview.querySelectorAll("input[data-role=input]:checked")]
        target = self.preview.querySelector("input[data-role=target]:checked")
        return inputs, None if target is None else int(target.dataset.column)

    def _choice_changed(self, event):
        inputs, target = self._shown_choice()
        if event is not None and target is not None and target in inputs:  # a target is not an input
            for b in self.preview.querySelectorAll(f"input[data-role=input][data-column='{target}']"):
                b.checked = False
            inputs = [c for c in inputs if c != target]
        for row in self.preview.querySelectorAll("tr"):
            for c, td in enumerate(list(row.children)[1:]):
                td.classList.toggle("is-input", c in inputs)
                td.classList.toggle("is-target", c == target)
        for id_, pick in (("plane-x1", 0), ("plane-x2", 1)):
            select = by_id(id_)
            current = select.value
            select.replaceChildren()
            for c in inputs:
                opt = document.createElement("option")
                opt.value, opt.textContent = str(c), self.table.names[c]
                select.append(opt)
            chosen = current if current and int(current) in inputs and event is not None else \
                (str(inputs[pick]) if len(inputs) > pick else "")
            select.value = chosen
            select.closest("label").hidden = len(inputs) <= pick
        self._show_note()

    def _show_note(self):
        inputs, target = self._shown_choice()
        by_id("table-note").textContent = own_data.choice_note(self.table, self._ordered(inputs), target)

    def _ordered(self, inputs):
        across, up = by_id("plane-x1").value, by_id("plane-x2").value
        return own_data.ordered_inputs(inputs, int(across) if across else None, int(up) if up else None)

    def _apply_shown(self):
        inputs, target = self._shown_choice()
        if target is None or not inputs:
            self.problem.textContent = own_data.choice_note(self.table, inputs, target)
            self.problem.hidden = False
            return
        inputs = self._ordered(inputs)
        if self._apply(inputs, target):
            self.inputs, self.target = inputs, target
            self.dialog.close()
