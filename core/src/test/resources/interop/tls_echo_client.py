# A CPython asyncio TLS client for the interop tests: trusts CA_PEM, checks the name
# "localhost", sends each WORD as a line, then a line of a million bytes, then "quit", and
# prints every line it gets back until the server closes the connection.
#   tls_echo_client.py CA_PEM PORT tls|starttls|mtls WORD...
# With "starttls" it connects in plain text, sends "STARTTLS" and upgrades once told "GO"; with
# "mtls" it also presents client-chain.pem and client-key.pem from CA_PEM's folder.
import asyncio
import os
import ssl
import sys


async def main(cafile, port, mode, words):
    ctx = ssl.create_default_context(cafile=cafile)
    if mode == "mtls":
        folder = os.path.dirname(cafile)
        ctx.load_cert_chain(os.path.join(folder, "client-chain.pem"), os.path.join(folder, "client-key.pem"))
    if mode != "starttls":
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx,
                                                       server_hostname="localhost", limit=2_000_000)
    else:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2_000_000)
        writer.write(b"STARTTLS\n")
        assert await reader.readline() == b"GO\n"
        await writer.start_tls(ctx, server_hostname="localhost")
    assert writer.get_extra_info("peercert")["subject"] == ((("commonName", "localhost"),),)
    for word in words + ["x" * 1_000_000, "quit"]:
        writer.write(word.encode() + b"\n")
        await writer.drain()
    while line := await reader.readline():
        text = line.decode().rstrip("\n")
        print(text if len(text) < 100 else f"<{len(text)} bytes>", flush=True)
    writer.close()
    await writer.wait_closed()


asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]))
