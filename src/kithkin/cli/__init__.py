"""The `kithkin` command line: thin commands over the store's named functions."""
