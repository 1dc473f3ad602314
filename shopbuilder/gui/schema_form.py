"""A settings form generated from a component's JSON Schema.

The schema in resources/schemas/components/ is the single declaration: its
``title``/``x-title-zh`` label the fields, ``enum`` gives a choice box, integer ranges a
spin box, ``format: asset`` an image picker, arrays of keys a comma list and arrays of
objects (banner slides) a list of sub-forms. The form only collects values; the service
(`pages.set_page`) validates and the owner puts each message back beside its field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.gui.forms import FieldRow, ImageField, discard
from shopbuilder.i18n import N_, _, current_language

REQUIRED_RE = re.compile(r"^'(\w+)' is a required property\Z")
AssetPicker = Callable[[], str | None]  # returns the sha256 of a chosen picture
AssetLoader = Callable[[str], bytes | None]


def schema_title(schema: dict[str, Any], fallback: str = "") -> str:
    if current_language().startswith("zh") and schema.get("x-title-zh"):
        return str(schema["x-title-zh"])
    return str(schema.get("title") or fallback)


class _Editor(QWidget):
    """One field's editor: `value()` / `set_value()` and `sig_changed` when finished."""

    sig_changed = Signal()

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class _Line(_Editor):
    def __init__(self, multiline: bool = False) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if multiline:
            self.text_edit = QPlainTextEdit()
            self.text_edit.setFixedHeight(90)
            self.text_edit.textChanged.connect(self.sig_changed)
            layout.addWidget(self.text_edit)
            self.line = None
        else:
            self.line = QLineEdit()
            self.line.editingFinished.connect(self._finished)
            layout.addWidget(self.line)
        self._last: Any = None

    def _finished(self) -> None:
        if self.value() != self._last:
            self._last = self.value()
            self.sig_changed.emit()

    def value(self) -> Any:
        return self.line.text() if self.line is not None else self.text_edit.toPlainText()

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.line is not None:
            self.line.setText(text)
        else:
            self.text_edit.blockSignals(True)
            self.text_edit.setPlainText(text)
            self.text_edit.blockSignals(False)
        self._last = self.value()


class _List(_Line):
    """An array of keys or codes typed as a comma-separated list."""

    def value(self) -> Any:
        text = (self.line.text() if self.line is not None else "").replace("，", ",")
        return [part.strip() for part in text.split(",") if part.strip()]

    def set_value(self, value: Any) -> None:
        super().set_value(", ".join(value or []))
        self._last = self.value()


class _Int(_Editor):
    def __init__(self, schema: dict[str, Any]) -> None:
        super().__init__()
        self.spin = QSpinBox()
        self.spin.setRange(int(schema.get("minimum", 0)), int(schema.get("maximum", 1_000_000)))
        self.spin.setKeyboardTracking(False)
        self.spin.valueChanged.connect(self.sig_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.spin)
        layout.addStretch(1)

    def value(self) -> Any:
        return self.spin.value()

    def set_value(self, value: Any) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(int(value) if isinstance(value, int) else self.spin.minimum())
        self.spin.blockSignals(False)


class _Bool(_Editor):
    def __init__(self) -> None:
        super().__init__()
        self.box = QCheckBox()
        self.box.toggled.connect(self.sig_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)

    def value(self) -> Any:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.blockSignals(True)
        self.box.setChecked(bool(value))
        self.box.blockSignals(False)


ENUM_LABELS = {"manual": N_("picked by hand"), "category": N_("from a category"),
               "all": N_("all on-shelf products")}


class _Enum(_Editor):
    def __init__(self, choices: list[Any]) -> None:
        super().__init__()
        self.combo = QComboBox()
        for choice in choices:
            self.combo.addItem(_(ENUM_LABELS.get(choice, str(choice))), choice)
        self.combo.currentIndexChanged.connect(self.sig_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addStretch(1)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(0, self.combo.findData(value)))
        self.combo.blockSignals(False)


class _Asset(_Editor):
    def __init__(self, pick: AssetPicker | None, load: AssetLoader | None) -> None:
        super().__init__()
        self.pick, self.load = pick, load
        self.image = ImageField(72)
        self.image.sig_choose.connect(self._choose)
        self.image.sig_clear.connect(lambda: self._set_and_emit(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.image)
        self.sha: str | None = None

    def _choose(self) -> None:
        sha = self.pick() if self.pick is not None else None
        if sha:
            self._set_and_emit(sha)

    def _set_and_emit(self, sha: str | None) -> None:
        self.set_value(sha)
        self.sig_changed.emit()

    def value(self) -> Any:
        return self.sha

    def set_value(self, value: Any) -> None:
        self.sha = value or None
        data = self.load(value) if value and self.load is not None else None
        self.image.set_image(data)


class _ObjectList(_Editor):
    """An array of objects (banner slides): one sub-form per item, add and remove."""

    def __init__(self, schema: dict[str, Any], pick: AssetPicker | None,
                 load: AssetLoader | None) -> None:
        super().__init__()
        self.item_schema = schema.get("items", {})
        self.max_items = int(schema.get("maxItems", 50))
        self.pick, self.load = pick, load
        self.forms: list[SchemaForm] = []
        self.items_layout = QVBoxLayout()
        self.add_button = QPushButton(_("Add"))
        self.add_button.clicked.connect(self.add_item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.items_layout)
        layout.addWidget(self.add_button)

    def add_item(self) -> None:
        self._append({})
        self.sig_changed.emit()

    def _append(self, value: dict[str, Any]) -> None:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        form = SchemaForm(self.item_schema, self.pick, self.load)
        form.set_values(value)
        form.sig_changed.connect(self.sig_changed)
        remove = QPushButton(_("Remove"))
        remove.clicked.connect(lambda _c=False, f=form: self._remove(f))
        inner = QHBoxLayout(frame)
        inner.addWidget(form, 1)
        inner.addWidget(remove)
        self.items_layout.addWidget(frame)
        self.forms.append(form)
        self.add_button.setEnabled(len(self.forms) < self.max_items)

    def _remove(self, form: SchemaForm) -> None:
        index = self.forms.index(form)
        self.forms.pop(index)
        frame = self.items_layout.takeAt(index).widget()
        discard(frame)
        self.add_button.setEnabled(len(self.forms) < self.max_items)
        self.sig_changed.emit()

    def value(self) -> Any:
        return [form.values() for form in self.forms]

    def set_value(self, value: Any) -> None:
        while self.forms:
            self.forms.pop()
            discard(self.items_layout.takeAt(0).widget())
        for item in value or []:
            self._append(item if isinstance(item, dict) else {})

    def set_error(self, path: str, message: str) -> bool:
        """`path` like ``[0].image``: the message goes to that slide's field."""
        if path.startswith("[") and "]" in path:
            index = int(path[1:path.index("]")])
            rest = path[path.index("]") + 1:].lstrip(".")
            if 0 <= index < len(self.forms):
                return self.forms[index].set_error(rest, message)
        return False


def make_editor(schema: dict[str, Any], pick: AssetPicker | None,
                load: AssetLoader | None) -> _Editor:
    if "enum" in schema:
        return _Enum(list(schema["enum"]))
    kind = schema.get("type")
    if kind == "integer":
        return _Int(schema)
    if kind == "boolean":
        return _Bool()
    if kind == "array":
        if schema.get("items", {}).get("type") == "object":
            return _ObjectList(schema, pick, load)
        return _List()
    if schema.get("format") == "asset":
        return _Asset(pick, load)
    return _Line(multiline=schema.get("format") == "html")


class SchemaForm(QWidget):
    """Fields for an object schema; `values()` drops empty optional fields."""

    sig_changed = Signal()

    def __init__(self, schema: dict[str, Any], pick: AssetPicker | None = None,
                 load: AssetLoader | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schema = schema
        self.required = set(schema.get("required", []))
        self.editors: dict[str, _Editor] = {}
        self.rows: dict[str, FieldRow] = {}
        self.general_error = QLabel()
        self.general_error.setObjectName("error")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, prop in schema.get("properties", {}).items():
            editor = make_editor(prop, pick, load)
            editor.sig_changed.connect(self.sig_changed)
            row = FieldRow(editor)
            self.editors[key], self.rows[key] = editor, row
            label = schema_title(prop, key) + (" *" if key in self.required else "")
            form.addRow(label, row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.general_error)
        layout.addLayout(form)

    def set_values(self, values: dict[str, Any]) -> None:
        for key, editor in self.editors.items():
            prop = self.schema["properties"][key]
            editor.set_value(values.get(key, prop.get("default")))
        self.clear_errors()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, editor in self.editors.items():
            value = editor.value()
            if key not in self.required and value in ("", None, []):
                continue
            out[key] = value
        return out

    def clear_errors(self) -> None:
        self.general_error.hide()
        for row in self.rows.values():
            row.set_error("")

    def set_error(self, path: str, message: str) -> bool:
        """Show `message` beside the field at `path` (``slides[0].image``, ``limit`` or
        "" for the whole object)."""
        key = path.split(".")[0].split("[")[0]
        missing = REQUIRED_RE.match(message)
        if not key and missing and missing.group(1) in self.rows:
            key = missing.group(1)
            message = _("required")
        if key in self.rows:
            editor = self.editors[key]
            rest = path[len(key):]
            if rest and isinstance(editor, _ObjectList) and editor.set_error(rest, message):
                return True
            self.rows[key].set_error(message)
            return True
        self.general_error.setText(message)
        self.general_error.show()
        return True
