"""A small round-robin TCP proxy for the load benchmark (Debian's haproxy and nginx are not installed here).

    python benchmarks/_proxy.py LISTEN_PORT BACKEND_PORT [BACKEND_PORT ...]

Each accepted connection goes to the next backend on 127.0.0.1, bytes copied both ways until either side closes.
The load client opens one connection per request, so the login and the launch of one browser land on different
instances about half the time, as behind a proxy without sticky sessions. It stops on SIGTERM.
"""
from __future__ import annotations

import asyncio
import itertools
import signal
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def serve(listen: int, backends: list[int]) -> None:
    """Serve until SIGTERM or SIGINT."""
    turn = itertools.cycle(backends)

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            backend_reader, backend_writer = await asyncio.open_connection("127.0.0.1", next(turn))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pipe(client_reader, backend_writer), _pipe(backend_reader, client_writer))

    server = await asyncio.start_server(handle, "127.0.0.1", listen, backlog=512)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), [int(port) for port in sys.argv[2:]]))
