"""shopbuilder: design WeChat mini-program shops and export deployable bundles."""

__version__ = "0.1.0"
