"""A keep-alive HTTP/1.1 client with as little of its own cost as Python allows, for timing a
server's round trip rather than the client's: one raw socket (TCP_NODELAY), each request's bytes
built in one piece and sent with one `sendall`, the answer read by its Content-Length into one
buffer. No header objects, no email-style parsing (http.client spends 0.1-0.2 ms per exchange
on those here, as much as a whole GET /healthz costs the server).

Only what the storage benchmarks need: Content-Length bodies (a 204 or 304 has none); a chunked
answer is refused, as is any status >= 300 (the benchmark would be timing an error).
"""
import json
import socket


class LeanClient:
    def __init__(self, port, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=600)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.host = f"{host}:{port}".encode()
        self.pending = b""

    @staticmethod
    def json_body(value):
        return json.dumps(value).encode()

    def prepare(self, method, path, body=b"", headers=()):
        """The bytes of one request, to build outside a timed region; `headers` is a sequence of
        complete `Name: value` strings."""
        lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self.host]
        lines += [header.encode() for header in headers]
        if body or method in ("POST", "PUT", "PATCH"):
            lines.append(b"Content-Type: application/json")
            lines.append(b"Content-Length: %d" % len(body))
        return b"\r\n".join(lines) + b"\r\n\r\n" + body

    def exchange(self, prepared):
        """Sends a prepared request and reads its whole answer; returns (status, body)."""
        self.sock.sendall(prepared)
        buffer = self.pending
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            buffer += chunk
        head = buffer[:end + 2]  # each header line with its CRLF
        status = int(head[9:12])
        length = 0
        if status not in (204, 304):
            start = head.lower().find(b"\ncontent-length:")
            if start < 0:
                raise RuntimeError(f"no Content-Length (chunked?): {head[:300]!r}")
            length = int(head[start + 16:head.find(b"\r", start + 16)])
        total = end + 4 + length
        while len(buffer) < total:
            chunk = self.sock.recv(max(65536, total - len(buffer)))
            if not chunk:
                raise ConnectionError("the server closed the connection")
            buffer += chunk
        self.pending = buffer[total:]
        body = buffer[end + 4:total]
        if status >= 300:
            raise RuntimeError(f"{status}: {head[:200]!r} {body[:300]!r}")
        return status, body

    def close(self):
        self.sock.close()
