# A CPython asyncio streams server for the interop tests: sends back what it reads upper-cased,
# then "BYE" at end of stream. Prints its port; exits when stdin closes.
import asyncio
import sys


async def handle(reader, writer):
    while data := await reader.read(65536):
        writer.write(data.upper())
        await writer.drain()
    writer.write(b"BYE\n")
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the test closes our stdin
    server.close()


asyncio.run(main())
