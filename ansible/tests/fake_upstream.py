#!/usr/bin/env python3
"""A tiny fake OpenAI API for the CI converge (.ci/ansible-test). Python 3 standard library only.

POST /v1/chat/completions  answers a fixed chat.completion (with usage) and counts the call; with
                           "stream": true, a chunked event stream of STREAM_CHUNKS chunks, one every
                           STREAM_DELAY seconds, then [DONE] (a stream still running when Tomcat is stopped).
GET  /v1/models            answers a one-model list (not counted).
GET  /_calls               {"calls": N, "last_authorization": "..."}: what the proxy sent upstream.

Listens on 127.0.0.1 only, and exits by itself after --max-seconds.
"""

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COMPLETION = {
    "id": "chatcmpl-fake-0001",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini-2024-07-18",
    "system_fingerprint": "fp_fake",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello from the fake upstream.", "refusal": None},
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {
        "prompt_tokens": 8,
        "completion_tokens": 6,
        "total_tokens": 14,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    },
}

STREAM_CHUNKS = 10
STREAM_DELAY = 0.4

MODELS = {"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model", "created": 1700000000, "owned_by": "fake"}]}


class State:
    lock = threading.Lock()
    calls = 0
    last_authorization = None


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-openai/1.0"
    protocol_version = "HTTP/1.1"

    def _send(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_calls":
            with State.lock:
                self._send(200, {"calls": State.calls, "last_authorization": State.last_authorization})
        elif self.path == "/v1/models":
            self._send(200, MODELS)
        else:
            self._send(404, {"error": {"message": "no such path: " + self.path, "type": "invalid_request_error"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path != "/v1/chat/completions":
            self._send(404, {"error": {"message": "no such path: " + self.path, "type": "invalid_request_error"}})
            return
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            self._send(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
            return
        with State.lock:
            State.calls += 1
            State.last_authorization = self.headers.get("Authorization")
        if isinstance(body, dict) and body.get("stream") is True:
            self._stream()
        else:
            self._send(200, COMPLETION)

    def _stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def event(data):
            payload = ("data: " + data + "\n\n").encode("utf-8")
            self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))
            self.wfile.flush()

        def chunk(delta, finish):
            return json.dumps({"id": "chatcmpl-fake-stream", "object": "chat.completion.chunk", "created": 1700000000,
                               "model": "gpt-4o-mini-2024-07-18",
                               "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]})

        event(chunk({"role": "assistant", "content": ""}, None))
        for i in range(STREAM_CHUNKS):
            time.sleep(STREAM_DELAY)
            event(chunk({"content": "part%d " % i}, None))
        event(chunk({}, "stop"))
        event("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def log_message(self, fmt, *args):
        sys.stderr.write("fake_upstream: " + (fmt % args) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=18431)
    parser.add_argument("--max-seconds", type=float, default=1800.0, help="exit after this long")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    timer = threading.Timer(args.max_seconds, server.shutdown)
    timer.daemon = True
    timer.start()
    sys.stderr.write("fake_upstream: listening on 127.0.0.1:%d\n" % args.port)
    sys.stderr.flush()
    started = time.monotonic()
    server.serve_forever()
    sys.stderr.write("fake_upstream: stopped after %.0fs\n" % (time.monotonic() - started))


if __name__ == "__main__":
    main()
