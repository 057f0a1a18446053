# A CPython asyncio TLS server for the interop tests. Each line it reads is sent back
# upper-cased; "QUIT" gets "BYE" and the connection is closed (with close_notify).
#   tls_echo_server.py CHAIN_PEM KEY_PEM tls        TLS from the first byte
#   tls_echo_server.py CHAIN_PEM KEY_PEM starttls   plain until "STARTTLS", answered "GO", then TLS
# Prints its port; exits when stdin closes.
import asyncio
import ssl
import sys


def server_context(chain, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    return ctx


async def main(chain, key, mode):
    ctx = server_context(chain, key)

    async def handle(reader, writer):
        if mode == "starttls":
            if await reader.readline() != b"STARTTLS\n":
                writer.close()
                return
            writer.write(b"GO\n")
            await writer.start_tls(ctx)
        while line := await reader.readline():
            if line == b"QUIT\n":
                writer.write(b"BYE\n")
                break
            writer.write(line.upper())
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=2_000_000,
                                        ssl=ctx if mode == "tls" else None)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the test closes our stdin
    server.close()


asyncio.run(main(*sys.argv[1:4]))
