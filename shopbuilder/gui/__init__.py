"""The Qt layer: windows, item models, editors, undo commands, workers."""
