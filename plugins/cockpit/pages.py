"""The cockpit's two pages: sign-in, and the page that holds the terminal.

The terminal page uses textual-serve's own assets (``static/js/textual.js``: xterm.js and the
websocket protocol of ``AppService``; ``static/css/xterm.css``; the Roboto Mono fonts it
ships), so nothing is fetched from another site. ``textual.js`` connects to the URL in the
terminal's ``data-session-websocket-url`` when the page has loaded, and marks the body
``-first-byte`` when the app has drawn and ``-closed`` when the websocket has closed.

The bar and the terminal are ``position: fixed``, the terminal below the bar (its ``width``
and ``height`` override textual.js's ``100vw``/``100vh``, which would put its last rows under
the window's edge): focusing the terminal then cannot scroll the bar out of the page.
"""

from __future__ import annotations

from html import escape
from string import Template

STYLE = """
:root { color-scheme: dark; }
body { margin: 0; background: #0c181f; color: #e6edf3;
       font-family: "Roboto Mono", Menlo, "Courier New", monospace; }
.card { max-width: 22rem; margin: 12vh auto; padding: 2rem; background: #12232d;
        border-radius: 6px; }
h1 { font-size: 1.3rem; margin: 0 0 1.5rem; }
label { display: block; margin: 1rem 0 .3rem; font-size: .9rem; }
input { width: 100%; box-sizing: border-box; padding: .55rem; font: inherit;
        background: #0c181f; color: inherit; border: 1px solid #36515f; border-radius: 4px; }
button { margin-top: 1.5rem; padding: .6rem 1.4rem; font: inherit; color: #fff;
         background: #5e0ba7; border: 0; border-radius: 4px; cursor: pointer; }
button:hover { background: #7a2ad0; }
.error { margin: 0 0 1rem; padding: .6rem; background: #4a1620; border-radius: 4px; }
"""

LOGIN = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · $team · salesplan</title>
<style>$style</style>
</head>
<body>
<main class="card">
<h1>$team · salesplan</h1>
$error<form method="post" action="$action" id="sign-in">
<label for="member">Member id</label>
<input id="member" name="member" autocomplete="username" required maxlength="64"
 value="$member" autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password"
 required maxlength="1024">
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
""")

COCKPIT = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$team · salesplan</title>
<link rel="preload" href="${static}fonts/RobotoMono-VariableFont_wght.ttf" as="font"
 type="font/ttf" crossorigin>
<link rel="stylesheet" href="${static}css/xterm.css">
<style>
@font-face { font-family: "Roboto Mono"; font-weight: 100 700;
  src: url("${static}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }
body { margin: 0; background: #0c181f; color: #e6edf3; overflow: hidden;
       font-family: "Roboto Mono", Menlo, monospace; font-size: 13px; }
#bar { position: fixed; top: 0; left: 0; right: 0; height: 26px; display: flex;
       align-items: center; gap: 1rem; padding: 0 .8rem; background: #12232d; }
#bar .who { flex: 1; }
#bar form { margin: 0; }
#bar button, .ended button { font: inherit; color: #fff; background: #5e0ba7; border: 0;
       border-radius: 3px; padding: .15rem .8rem; cursor: pointer; }
#terminal { position: fixed; top: 26px; left: 0; right: 0; bottom: 0; overflow: hidden;
             width: auto; height: auto; }
.textual-terminal { opacity: 0; }
body.-first-byte .textual-terminal { opacity: 1; transition: opacity .2s; }
.ended { display: none; position: fixed; inset: 26px 0 0 0; z-index: 10;
         align-items: center; justify-content: center; gap: 1rem; background: #0c181fe0; }
body.-closed .ended { display: flex; }
</style>
<script src="${static}js/textual.js"></script>
</head>
<body>
<div id="bar">
<span class="who">salesplan · $team · signed in as <b id="member">$member</b> ($role)</span>
<form method="post" action="$logout"><button type="submit">Sign out</button></form>
</div>
<div class="ended"><span>Session ended.</span>
<form method="get" action="$home"><button type="submit">Open again</button></form>
<form method="post" action="$logout"><button type="submit">Sign out</button></form>
</div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="$websocket"
 data-font-size="$font_size"></div>
</body>
</html>
""")


LOGOUT = Template("""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign out · salesplan</title><style>$style</style></head>
<body><main class="card"><h1>Sign out of salesplan?</h1>
<form method="post" action="$action"><button type="submit">Sign out</button></form>
</main></body>
</html>
""")


def logout_page(*, action: str) -> str:
    """A button that signs out (sign-out is a POST, so no link can do it)."""
    return LOGOUT.substitute(style=STYLE, action=escape(action))


def login_page(*, team: str, action: str, member: str = "", error: str = "") -> str:
    """The sign-in form (``member`` refilled after a failure, never the password)."""
    shown = f'<p class="error" role="alert">{escape(error)}</p>\n' if error else ""
    return LOGIN.substitute(team=escape(team), style=STYLE, action=escape(action),
                            member=escape(member), error=shown)


def cockpit_page(*, team: str, member: str, role: str, static: str, websocket: str,
                 home: str, logout: str, font_size: int) -> str:
    """The page whose terminal textual.js connects to ``websocket``."""
    return COCKPIT.substitute(team=escape(team), member=escape(member), role=escape(role),
                              static=escape(static), websocket=escape(websocket),
                              home=escape(home), logout=escape(logout), font_size=font_size)
