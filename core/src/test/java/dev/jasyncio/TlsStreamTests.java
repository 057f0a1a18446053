package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.sleep;
import static dev.jasyncio.StreamServerTests.openDescriptors;
import static dev.jasyncio.StreamServerTests.port;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams API over TLS: {@code openConnection}/{@code startServer} with {@code ssl}, and
 * test_streams.py's {@code start_tls} upgrades in place, including gh-142352 (the client's
 * ClientHello already buffered by the server's reader when it starts TLS).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsStreamTests extends TlsTestCase {
    @TempDir
    Path tmp;

    /** A handler that echoes lines until EOF. */
    static void echoLines(StreamReader r, StreamWriter w) throws IOException {
        for (byte[] line; (line = r.readline()).length > 0; ) {
            w.write(line);
            w.drain();
        }
    }

    @Test
    void openConnectionSsl() throws Exception {
        // test_open_connection_no_loop_ssl, against a jasyncio TLS server
        Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(getRunningLoop());
            Server server = Asyncio.startServer((r, w) -> {
                assertNotNull(w.getExtraInfo("ssl_object"), "the handler runs after the handshake");
                echoLines(r, w);
            }, "127.0.0.1", 0, tlsServer());
            Connection c = Asyncio.openConnection("127.0.0.1", port(server), tls());
            c.writer().write("GET / HTTP/1.0\r\n\r\n");
            assertArrayEquals("GET / HTTP/1.0\r\n".getBytes(), c.reader().readline());
            assertArrayEquals("\r\n".getBytes(), c.reader().readline());
            assertSame(clientContext, c.writer().getExtraInfo("sslcontext"));
            assertInstanceOf(SSLEngine.class, c.writer().getExtraInfo("ssl_object"));
            assertEquals(server.sockets().getFirst(), c.writer().getExtraInfo("peername"));
            assertFalse(c.writer().canWriteEof());
            assertThrows(UnsupportedOperationException.class, c.writer()::writeEof);
            c.writer().close();
            c.writer().waitClosed();
            assertTrue(c.reader().atEof());
            server.close();
            server.waitClosed();
            assertEquals(List.of(), errors);
        });
    }

    @Test
    void serverClosesOverTls() throws Exception {
        // the handler's end closes the connection with close_notify: the client reads to EOF
        Asyncio.run(() -> {
            Server server = Asyncio.startServer((r, w) -> {
                w.write("bye\n");
            }, "127.0.0.1", 0, tlsServer());
            Connection c = Asyncio.openConnection("localhost", port(server), tls());
            assertArrayEquals("bye\n".getBytes(), c.reader().readline());
            assertArrayEquals(new byte[0], c.reader().read(-1));
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void openUnixConnectionSsl() throws Exception {
        Path path = tmp.resolve("tls.sock");
        Asyncio.run(() -> {
            Server server = Asyncio.startUnixServer(TlsStreamTests::echoLines, path, tlsServer());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Asyncio.openUnixConnection(path, tls()));
            assertTrue(e.getMessage().contains("serverHostname"), e.getMessage());
            Connection c = Asyncio.openUnixConnection(path, tls().withServerHostname("localhost"));
            c.writer().write("over a unix socket\n");
            assertArrayEquals("over a unix socket\n".getBytes(), c.reader().readline());
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void startTls() throws Exception {
        // test_streams' test_start_tls: plain lines, then both sides upgrade, then lines over TLS
        Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(getRunningLoop());
            Server server = Asyncio.startServer((r, w) -> {
                byte[] data1 = r.readline();
                w.write(data1);
                w.drain();
                assertNull(w.getExtraInfo("sslcontext"));
                w.startTls(serverContext);
                assertSame(serverContext, w.getExtraInfo("sslcontext"));
                byte[] data2 = r.readline();
                w.write(data2);
                w.drain();
                w.close();
                w.waitClosed();
            }, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("localhost", port(server));
            c.writer().write("hello world 1!\n");
            c.writer().drain();
            byte[] msgback1 = c.reader().readline();
            assertNull(c.writer().getExtraInfo("sslcontext"));
            Transport plain = c.writer().transport();
            c.writer().startTls(clientContext); // checks the certificate against "localhost"
            assertSame(clientContext, c.writer().getExtraInfo("sslcontext"));
            assertTrue(c.writer().transport() != plain, "the writer now writes to the TLS transport");
            c.writer().write("hello world 2!\n");
            c.writer().drain();
            byte[] msgback2 = c.reader().readline();
            c.writer().close();
            c.writer().waitClosed();
            assertArrayEquals("hello world 1!\n".getBytes(), msgback1);
            assertArrayEquals("hello world 2!\n".getBytes(), msgback2);
            server.close();
            server.waitClosed();
            assertEquals(List.of(), errors);
        });
    }

    @Test
    void startTlsBufferedData() throws Exception {
        // gh-142352: the client pipelines its ClientHello right behind its last plain line; the
        // server's reader has buffered it when the server starts TLS, and the handshake needs it
        Asyncio.run(() -> {
            Server server = Asyncio.startServer((r, w) -> {
                assertArrayEquals("STARTTLS\n".getBytes(), r.readline());
                while (r.buffered().length == 0) sleep(0.005); // the ClientHello is in the reader
                w.startTls(serverContext, null, 5, 5);
                byte[] line = r.readline();
                assertArrayEquals("ping\n".getBytes(), line);
                w.write("pong\n");
                w.drain();
                w.close();
                w.waitClosed();
            }, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            c.writer().write("STARTTLS\n"); // no reply awaited: TLS starts at once
            c.writer().startTls(clientContext, "localhost", 5, 5);
            c.writer().write("ping\n");
            assertArrayEquals("pong\n".getBytes(), c.reader().readline());
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void startTlsHandshakeFailure() throws Exception {
        // the client does not trust the server: both sides' startTls fail, the connection is
        // closed, waitClosed rethrows the failure, and no socket is left open
        Asyncio.run(() -> {
            Queue<Throwable> serverSide = new Queue<>();
            Server server = Asyncio.startServer((r, w) -> {
                r.readline();
                w.write("go\n");
                try {
                    w.startTls(serverContext);
                    serverSide.put(new AssertionError("the handshake succeeded"));
                } catch (IOException e) {
                    assertThrows(IOException.class, w::waitClosed);
                    serverSide.put(e);
                }
            }, "127.0.0.1", 0);
            for (int i = 0; i < 2; i++) { // the first round opens what the JDK opens lazily
                long before = openDescriptors();
                Connection c = Asyncio.openConnection("127.0.0.1", port(server));
                c.writer().write("starttls\n");
                assertArrayEquals("go\n".getBytes(), c.reader().readline());
                assertThrows(SSLHandshakeException.class, () -> c.writer().startTls(TestCerts.untrustingContext(), "localhost"));
                assertTrue(c.writer().isClosing());
                assertThrows(SSLHandshakeException.class, c.writer()::waitClosed);
                assertThrows(SSLHandshakeException.class, () -> c.reader().read(-1));
                assertInstanceOf(SSLException.class, serverSide.get());
                sleep(0.05);
                if (i == 1) assertTrue(openDescriptors() <= before, "no socket leaks: " + before + " -> " + openDescriptors());
            }
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void startTlsWrongArgs() throws Exception {
        Asyncio.run(() -> {
            Future<Throwable> serverSide = getRunningLoop().createFuture();
            Server server = Asyncio.startServer((r, w) -> {
                serverSide.setResult(assertThrows(IllegalArgumentException.class, () -> w.startTls(serverContext, "localhost")));
                w.write("still plain\n");
            }, "127.0.0.1", 0);
            Connection c = Asyncio.openConnection("127.0.0.1", port(server));
            assertEquals("serverHostname is only meaningful on the client side", serverSide.await().getMessage());
            assertArrayEquals("still plain\n".getBytes(), c.reader().readline());
            assertThrows(NullPointerException.class, () -> c.writer().startTls(null));
            assertThrows(IllegalArgumentException.class, () -> c.writer().startTls(clientContext, null, -1, 30));
            Transport plain = c.writer().transport();
            List<Throwable> outside = Loops.errorsOutsideTask(() -> c.writer().startTls(clientContext));
            assertInstanceOf(IllegalStateException.class, outside.getFirst());
            assertSame(plain, c.writer().transport(), "refused calls leave the connection as it was");
            assertTrue(plain.getProtocol() instanceof StreamProtocol);
            assertTrue(plain.isReading());
            c.writer().close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.writer().startTls(clientContext));
            assertTrue(e.getMessage().contains("closing"), e.getMessage());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void openConnectionSslSlowHandshake() throws Exception {
        Asyncio.run(() -> {
            Server silent = Asyncio.startServer((r, w) -> r.read(-1), "127.0.0.1", 0);
            java.net.SocketTimeoutException e = assertThrows(java.net.SocketTimeoutException.class,
                    () -> Asyncio.openConnection("127.0.0.1", port(silent), tls().withSslHandshakeTimeout(0.2)));
            assertTrue(e.getMessage().startsWith("SSL handshake is taking longer than 0.2 seconds"), e.getMessage());
            silent.close();
        });
    }

    @Test
    void largeTransfersBothWaysWithDrain() throws Exception {
        // several megabytes each way at once: the writer drains against TLS back-pressure while a
        // second task reads the echo
        int size = 8 << 20;
        byte[] payload = new byte[size];
        new Random(42).nextBytes(payload);
        Asyncio.run(() -> {
            Server server = Asyncio.startServer((r, w) -> {
                for (byte[] b; (b = r.read(65536)).length > 0; ) {
                    w.write(b);
                    w.drain();
                }
            }, "127.0.0.1", 0, tlsServer());
            Connection c = Asyncio.openConnection("127.0.0.1", port(server), tls());
            Task<byte[]> reader = createTask(() -> c.reader().readexactly(size));
            int maxBuffered = 0;
            for (int off = 0; off < size; off += 100_000) {
                c.writer().write(java.util.Arrays.copyOfRange(payload, off, Math.min(size, off + 100_000)));
                maxBuffered = Math.max(maxBuffered, c.writer().transport().getWriteBufferSize());
                c.writer().drain();
            }
            byte[] back = reader.await();
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(payload),
                    MessageDigest.getInstance("SHA-256").digest(back));
            assertTrue(maxBuffered <= SslProtocol.WRITE_HIGH_WATER + 2 * 100_000 + 64 * 1024,
                    "drain bounds what is buffered: " + maxBuffered);
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void slowReaderKeepsWriterMemoryBounded() throws Exception {
        // the reader's flow control pauses the TLS transport, which pauses the socket: the
        // server's drain() waits, and its buffers (records held, and the socket's) stay near the
        // TLS high-water mark; a little more, since they hold records, not plain bytes
        Asyncio.run(() -> StreamServerTests.slowReaderKeepsWriterMemoryBounded(tlsServer(), tls(),
                SslProtocol.WRITE_HIGH_WATER + 4096));
    }

    @Test
    void manyConnectionsLeakNothing() throws Exception {
        Asyncio.run(() -> {
            Server server = Asyncio.startServer(TlsStreamTests::echoLines, "127.0.0.1", 0, tlsServer());
            List<Connection> warm = new ArrayList<>();
            warm.add(Asyncio.openConnection("127.0.0.1", port(server), tls()));
            warm.getFirst().writer().close();
            warm.getFirst().writer().waitClosed();
            sleep(0.05);
            long before = openDescriptors();
            for (int i = 0; i < 100; i++) {
                Connection c = Asyncio.openConnection("127.0.0.1", port(server), tls());
                c.writer().write("ping\n");
                assertArrayEquals("ping\n".getBytes(), c.reader().readline());
                if (i % 3 == 0) c.writer().transport().abort();
                else c.writer().close();
                try {
                    c.writer().waitClosed();
                } catch (IOException ignored) {
                    // an abort may meet the server's close_notify
                }
            }
            sleep(0.1);
            assertTrue(openDescriptors() <= before + 2, "descriptors before " + before + ", after " + openDescriptors());
            server.close();
            server.waitClosed();
        });
    }
}
