"""`jdlspec preview SPEC` and `jdlspec check --serve REPORT_DIR`: the report and the checker in a local browser page.

  live     the spec, its texts and data watched; the report made again (in memory) at each change
  checker  a pasted paragraph checked sentence by sentence, with `jdlspec check`'s engine and messages
  page     the pages' HTML, style and script (nothing loaded from elsewhere)
  server   the web server, on 127.0.0.1 only
"""
