"""The settings dialog, generated from `core.settings.SETTINGS`."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shopbuilder.core import settings
from shopbuilder.core.errors import ValidationError
from shopbuilder.i18n import N_, _

LANGUAGE_NAMES = {"": N_("Follow the system"), "zh_CN": "简体中文", "en": "English"}


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.values = settings.load()
        self.editors: dict[str, QWidget] = {}
        form = QFormLayout()
        for setting in settings.SETTINGS:
            editor = self._editor(setting, self.values[setting.key])
            self.editors[setting.key] = editor
            form.addRow(_(setting.label), editor)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        note = QLabel(_("Language and data location changes apply the next time the app starts."))
        note.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _editor(self, setting: settings.Setting, value: Any) -> QWidget:
        if setting.choices:
            combo = QComboBox()
            for choice in setting.choices:
                label = LANGUAGE_NAMES.get(choice, str(choice)) if setting.key == "language" \
                    else str(choice)
                combo.addItem(_(label) if choice == "" else label, choice)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo
        if setting.type is int:
            spin = QSpinBox()
            spin.setRange(setting.minimum or 0, setting.maximum or 1_000_000)
            spin.setValue(int(value))
            return spin
        if setting.type is bool:
            box = QCheckBox()
            box.setChecked(bool(value))
            return box
        line = QLineEdit(str(value))
        line.setMinimumWidth(280)
        return line

    def read(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, editor in self.editors.items():
            if isinstance(editor, QComboBox):
                out[key] = editor.currentData()
            elif isinstance(editor, QSpinBox):
                out[key] = editor.value()
            elif isinstance(editor, QCheckBox):
                out[key] = editor.isChecked()
            elif isinstance(editor, QLineEdit):
                out[key] = editor.text().strip()
        return out

    def save(self) -> None:
        try:
            settings.save(self.read())
        except ValidationError as exc:
            label = _(settings.BY_KEY[exc.path].label) if exc.path in settings.BY_KEY else ""
            self.error.setText(f"{label}: {exc.issues[0].message}" if label else exc.message)
            return
        from shopbuilder.gui.app import apply_settings_env

        apply_settings_env()
        self.accept()
