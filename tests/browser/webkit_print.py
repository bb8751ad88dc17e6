"""Print a page to PDF through WebKitGTK's own print operation, as WebKit's WebDriver cannot.

    DISPLAY=:N /usr/bin/python3 webkit_print.py URL OUT.pdf A4|Letter

Run by Debian's python3, which has the GObject bindings (python3-gi, gir1.2-webkit2-4.1); engines.py
calls it for WebKit pages. The paper gets 10 mm margins on every side, as the card's CSS asks: WebKitGTK
takes the margins from the print settings, not from CSS @page. Exit status 1 with a message on failure.
"""

import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

PAPERS = {"A4": Gtk.PAPER_NAME_A4, "Letter": Gtk.PAPER_NAME_LETTER}
MARGIN_MM = 10


def main(url: str, out: str, paper: str) -> str | None:
    """Load `url`, print it to `out`; return an error message or None."""
    Gtk.init(None)
    # Ephemeral: no disk cache and no service worker kept between runs. Test servers reuse ports,
    # so a kept one once printed another site's card, and it left files in ~/.cache and ~/.local.
    view = WebKit2.WebView.new_with_context(WebKit2.WebContext.new_ephemeral())
    window = Gtk.OffscreenWindow()
    window.add(view)
    window.show_all()
    loop = GLib.MainLoop()
    outcome = {"error": None}

    def fail(message):
        outcome["error"] = outcome["error"] or message
        loop.quit()

    def on_load(_view, event):
        # Print once the fonts are in and the page is laid out, as a person pressing Print would:
        # printing straight at the load event once gave a page that was not laid out yet.
        if event == WebKit2.LoadEvent.FINISHED:
            view.call_async_javascript_function(
                "await document.fonts.ready; document.body.offsetHeight;", -1, None, None, None, None,
                on_ready)

    def on_ready(_view, result):
        try:
            view.call_async_javascript_function_finish(result)
        except GLib.Error as error:
            fail(f"could not wait for the page: {error}")
            return
        settings = Gtk.PrintSettings()
        settings.set_printer("Print to File")
        settings.set(Gtk.PRINT_SETTINGS_OUTPUT_FILE_FORMAT, "pdf")
        settings.set(Gtk.PRINT_SETTINGS_OUTPUT_URI, GLib.filename_to_uri(out, None))
        setup = Gtk.PageSetup()
        setup.set_paper_size(Gtk.PaperSize.new(PAPERS[paper]))
        for side in ("top", "bottom", "left", "right"):
            getattr(setup, f"set_{side}_margin")(MARGIN_MM, Gtk.Unit.MM)
        operation = WebKit2.PrintOperation.new(view)
        operation.set_print_settings(settings)
        operation.set_page_setup(setup)
        operation.connect("finished", lambda _op: loop.quit())
        operation.connect("failed", lambda _op, error: fail(f"print failed: {error}"))
        operation.print_()

    def on_failed(_view, _event, failing_uri, error):
        fail(f"could not load {failing_uri}: {error}")
        return True

    view.connect("load-changed", on_load)
    view.connect("load-failed", on_failed)
    view.load_uri(url)
    GLib.timeout_add_seconds(60, lambda: fail("timed out after 60 s"))
    loop.run()
    return outcome["error"]


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[3] not in PAPERS:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
