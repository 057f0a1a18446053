# A CPython asyncio streams client for the interop tests: sends each argument as a line, half-closes,
# and prints every line the server sends back until EOF.
import asyncio
import sys


async def main(port, words):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**21)
    for w in words:
        writer.write(w.encode() + b"\n")
        await writer.drain()
    big = b"x" * 1_000_000
    writer.write(big + b"\n")
    await writer.drain()
    writer.write_eof()
    while line := await reader.readline():
        text = line.decode().rstrip("\n")
        print(text if len(text) < 100 else f"<{len(text)} bytes>", flush=True)
    writer.close()
    await writer.wait_closed()


asyncio.run(main(int(sys.argv[1]), sys.argv[2:]))
