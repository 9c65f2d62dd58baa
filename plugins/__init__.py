"""The built-in plugins: every folder here is one plugin, named as its folder.

Nothing is listed: the plugin manager finds the folders (``salesplan.core.pluginmanager``), so
deleting a folder removes its plugin cleanly.
"""
