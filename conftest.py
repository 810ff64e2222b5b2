# The suite's own pytest plugin (zoom_in_claims.plugin) is registered by the installed package's pytest11 entry
# point, in this repository as in any other; pytester runs the inner sessions the plugin's own tests use.
pytest_plugins = ["pytester"]
