"""The names of the kernel's own commands, below both the CLI and the registry.

The registry refuses a plugin command named like one of these (it would never run), and the
CLI dispatches them; keeping the names here means neither has to import the other.
"""

CORE_COMMAND_NAMES: tuple[str, ...] = (
    "init", "demo", "tui", "check", "plugins", "import", "export", "backup", "restore", "log",
    "lead", "prospect", "todo", "report", "reports", "user", "token", "serve", "new-plugin", "docs",
)
