"""Publishing bundles: the upload protocol's client and reference receiver."""
