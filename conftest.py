# The suite's pytest plugin (options, session fixtures, claims, ledger, controls) and pytester,
# which the plugin's own tests use to run inner pytest sessions.
pytest_plugins = ["fixtures.plugin", "pytester"]
