"""The development server (``lms demo``, the browser tests' ``live_server``) closes every file it
serves, even when the browser resets the connection: Werkzeug's own server leaves the file open
in that case, and the ``ResourceWarning`` it gives later fails whichever test is running."""
import gc
import socket
import struct
import time
import warnings


def reset_after_first_bytes(port: int, path: str) -> bytes:
    """Request ``path``, read the start of the answer, then reset the connection (RST), as a
    browser cancelling a load does."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = connection.recv(64)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return head


def test_files_are_closed_when_the_client_resets_the_connection(live_server):
    server = live_server.start()
    port = int(server.url.rsplit(":", 1)[1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        heads = [reset_after_first_bytes(port, "/static/lms.css") for _ in range(30)]
        time.sleep(0.5)  # let the server threads finish with the reset connections
        gc.collect()
    assert all(head.startswith(b"HTTP/1.1 200") for head in heads)
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert unclosed == []
