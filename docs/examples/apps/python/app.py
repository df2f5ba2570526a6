"""Gantry sample: a Python app using only the standard library, on $PORT."""
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        venv = os.environ.get("VIRTUAL_ENV", "none")
        body = f"hello from python {sys.version_info.major}.{sys.version_info.minor} (venv {venv})\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "5000"))
    print(f"listening on {port}", flush=True)
    ThreadingHTTPServer(("", port), Hello).serve_forever()
