"""Each built-in plugin's tests, in a folder named as the plugin (as its code is)."""
