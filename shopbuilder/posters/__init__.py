"""Share posters: templates as data, CJK typesetting, QR codes."""
