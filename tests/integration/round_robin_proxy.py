#!/usr/bin/env python3
"""An HTTP load balancer for the replica tests: each request goes to the next
backend in turn (so one runner's consecutive batches reach different
kiln-orchestrator replicas); a backend that refuses the connection is skipped
for the next one. Usage: round_robin_proxy.py PORT_FILE BACKEND_URL..."""
import http.client
import http.server
import itertools
import os
import sys
import threading
import urllib.parse

port_file, backends = sys.argv[1], [urllib.parse.urlsplit(u) for u in sys.argv[2:]]
turn = itertools.count()
lock = threading.Lock()
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            first = next(turn)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        last_error = None
        for i in range(len(backends)):
            b = backends[(first + i) % len(backends)]
            conn = http.client.HTTPConnection(b.hostname, b.port, timeout=60)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except (ConnectionError, OSError) as e:  # refused, reset: the replica is gone
                last_error = e
                continue
            finally:
                conn.close()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_error(502, f"no backend answered: {last_error}")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = forward


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(f"{server.server_address[1]}\n")
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
