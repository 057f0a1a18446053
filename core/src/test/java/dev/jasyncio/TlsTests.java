package dev.jasyncio;

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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jasyncio.TlsPeers.Recorder;

/**
 * TLS under protocols and transports: ports of test_sslproto.py (the SSL protocol and
 * {@code loop.start_tls}), test_events.py's SSL connections, and the close, EOF, timeout and
 * flow-control behaviour of asyncio's {@code SSLProtocol}. The peers are jasyncio itself and the
 * JDK's blocking {@link SSLSocket} on a thread of its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTests extends TlsTestCase {
    static final int PAYLOAD_SIZE = 100 * 1024; // asyncio's BaseStartTLS.PAYLOAD_SIZE
    static final byte[] HELLO_MSG = filled(PAYLOAD_SIZE, '1');

    static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    // ---- create_connection / create_server with ssl ----------------------------------------------

    /** A TLS server whose protocols are {@link Recorder}s; the first one completes {@code accepted}. */
    static Server recordingServer(Future<Recorder> accepted) throws IOException {
        return getRunningLoop().createServer(() -> {
            Recorder r = new Recorder();
            if (!accepted.done()) accepted.setResult(r);
            return r;
        }, "127.0.0.1", 0, tlsServer());
    }

    /** A TLS connection to {@code server} with {@code client} as its protocol; its transport. */
    static Transport connect(Recorder client, Server server) throws IOException {
        return getRunningLoop().createConnection(() -> client, "127.0.0.1", port(server), tls()).transport();
    }


    @Test
    void createConnectionSsl() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            List<ErrorContext> errors = Loops.recordErrors(loop);
            Server server = loop.createServer(Echo::new, "127.0.0.1", 0, tlsServer());
            Recorder client = new Recorder();
            TransportAndProtocol tp = loop.createConnection(() -> client, "127.0.0.1", port(server), tls());
            assertSame(client, tp.protocol());
            Transport t = tp.transport();
            assertEquals(List.of("made"), client.events, "connectionMade has run, after the handshake");
            assertSame(t, client.transport);
            t.write("hello tls".getBytes());
            assertArrayEquals("hello tls".getBytes(), client.awaitBytes(9));

            assertSame(clientContext, t.getExtraInfo("sslcontext"));
            SSLEngine engine = assertInstanceOf(SSLEngine.class, t.getExtraInfo("ssl_object"));
            assertTrue(engine.getSession().getProtocol().startsWith("TLSv1."), engine.getSession().getProtocol());
            Certificate[] chain = assertInstanceOf(Certificate[].class, t.getExtraInfo("peercert"));
            assertEquals(certs.server, chain[0]);
            assertEquals(engine.getSession().getCipherSuite(), t.getExtraInfo("cipher"));
            assertEquals(server.sockets().getFirst(), t.getExtraInfo("peername"));
            assertInstanceOf(InetSocketAddress.class, t.getExtraInfo("sockname"));
            assertInstanceOf(SocketChannel.class, t.getExtraInfo("socket"));
            assertNull(t.getExtraInfo("no such thing"));

            assertFalse(t.canWriteEof());
            assertThrows(UnsupportedOperationException.class, t::writeEof);
            t.close();
            assertTrue(t.isClosing());
            client.lost.await();
            assertNull(client.lostWith);
            // as asyncio: the peer's close_notify, answering ours, is an end of stream too
            assertEquals(List.of("made", "eof", "lost"), client.events);
            server.close();
            server.waitClosed();
            assertEquals(List.of(), errors);
        });
    }

    @Test
    void createConnectionSslTls12() throws Exception {
        // TLS 1.2 closes differently inside the JDK's engine (it answers close_notify itself)
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Recorder> accepted = loop.createFuture();
            Server server = recordingServer(accepted);
            Recorder client = new Recorder();
            Transport t = loop.createConnection(() -> client, "127.0.0.1", port(server),
                    ConnectOptions.defaults().withSsl(certs.clientContext("TLSv1.2"))).transport();
            assertEquals("TLSv1.2", ((SSLEngine) t.getExtraInfo("ssl_object")).getSession().getProtocol());
            Recorder peer = accepted.await();
            t.write("twelve".getBytes());
            assertArrayEquals("twelve".getBytes(), peer.awaitBytes(6));
            peer.transport.write("back".getBytes());
            assertArrayEquals("back".getBytes(), client.awaitBytes(4));
            t.close();
            client.lost.await();
            peer.lost.await();
            assertEquals(List.of("made", "eof", "lost"), client.events);
            assertEquals(List.of("made", "eof", "lost"), peer.events);
            assertNull(client.lostWith);
            assertNull(peer.lostWith);
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void createConnectionSslByHostName() throws Exception {
        // connecting to "localhost" checks the certificate against that name (and sends it as SNI)
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(Echo::new, "127.0.0.1", 0, tlsServer());
            Recorder client = new Recorder();
            Transport t = loop.createConnection(() -> client, "localhost", port(server), tls()).transport();
            t.write("by name".getBytes());
            assertArrayEquals("by name".getBytes(), client.awaitBytes(7));
            t.close();
            client.lost.await();
            server.close();
        });
    }

    @Test
    void serverSeesEofThenConnectionLostWhenClientCloses() throws Exception {
        // the client's close sends close_notify: the server's protocol gets eofReceived, then
        // connectionLost(null); the client's connectionLost follows the server's close_notify
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Recorder> accepted = loop.createFuture();
            Server server = recordingServer(accepted);
            Recorder client = new Recorder();
            Transport t = connect(client, server);
            Recorder peer = accepted.await();
            peer.made.await();
            assertNotNull(peer.transport.getExtraInfo("ssl_object"));
            assertNull(peer.transport.getExtraInfo("peercert"), "the client sent no certificate");
            t.write("last words".getBytes());
            t.close();
            peer.lost.await();
            assertArrayEquals("last words".getBytes(), peer.received.toByteArray());
            assertEquals(List.of("made", "eof", "lost"), peer.events);
            assertNull(peer.lostWith);
            client.lost.await();
            assertEquals(List.of("made", "eof", "lost"), client.events);
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void serverHandshakeFailureNeverReachesTheProtocol() throws Exception {
        // as asyncio: the server's protocol is made, but a client whose handshake fails never
        // reaches its connectionMade or connectionLost, and nothing is reported
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            List<ErrorContext> errors = Loops.recordErrors(loop);
            List<Recorder> made = new java.util.ArrayList<>();
            Server server = loop.createServer(() -> {
                Recorder r = new Recorder();
                made.add(r);
                return r;
            }, "127.0.0.1", 0, tlsServer());
            assertThrows(SSLHandshakeException.class, () -> loop.createConnection(Recorder::new, "127.0.0.1", port(server),
                    ConnectOptions.defaults().withSsl(TestCerts.untrustingContext())));
            sleep(0.1);
            assertEquals(1, made.size());
            assertEquals(List.of(), made.getFirst().events);
            server.close();
            server.waitClosed(); // the failed connection is gone
            assertEquals(List.of(), errors);
        });
    }

    @Test
    void handshakeWorkRunsOffTheLoop() throws Exception {
        // the engine's delegated tasks (here a certificate check that takes 0.3 s, as a
        // revocation check on the network might) run on the executor: the loop keeps going
        SSLContext slowTrust = SSLContext.getInstance("TLS");
        slowTrust.init(null, new javax.net.ssl.TrustManager[] {new SlowTrust()}, null);
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(Echo::new, "127.0.0.1", 0, tlsServer());
            int[] ticks = {0};
            Task<Void> ticker = Asyncio.createTask(() -> {
                while (true) {
                    sleep(0.01);
                    ticks[0]++;
                }
            });
            Recorder client = new Recorder();
            Transport t = loop.createConnection(() -> client, "127.0.0.1", port(server),
                    ConnectOptions.defaults().withSsl(slowTrust)).transport();
            assertTrue(ticks[0] >= 10, "the loop ran during the handshake: " + ticks[0] + " ticks");
            assertEquals(Boolean.FALSE, SlowTrust.onLoop);
            ticker.cancel();
            t.close();
            client.lost.await();
            server.close();
        });
    }

    /**
     * Trusts the test CA, slowly, noting whether it runs on a loop's thread. A plain
     * X509TrustManager: the JDK adds the hostname check around it.
     */
    static final class SlowTrust implements javax.net.ssl.X509TrustManager {
        static volatile Boolean onLoop;
        private final javax.net.ssl.X509TrustManager base;

        SlowTrust() throws Exception {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certs.ca);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            base = (javax.net.ssl.X509TrustManager) tmf.getTrustManagers()[0];
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            onLoop = ThreadTag.current() != null;
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                throw new java.security.cert.CertificateException(e);
            }
            base.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            base.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return base.getAcceptedIssuers();
        }
    }

    @Test
    void serverHandshakeFailureIsReportedInDebugMode() throws Exception {
        // asyncio's _accept_connection2: in debug mode the handler hears of it
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            List<ErrorContext> errors = Loops.recordErrors(loop);
            Server server = loop.createServer(Echo::new, "127.0.0.1", 0, tlsServer());
            assertThrows(SSLHandshakeException.class, () -> loop.createConnection(Recorder::new, "127.0.0.1", port(server),
                    ConnectOptions.defaults().withSsl(TestCerts.untrustingContext())));
            server.close();
            server.waitClosed();
            assertEquals(1, errors.size(), "the client's own failure is thrown, not reported: " + errors);
            assertEquals("Error on transport creation for incoming connection", errors.getFirst().message());
            assertInstanceOf(SSLException.class, errors.getFirst().exception());
        }, RunOptions.defaults().debug(true));
    }

    @Test
    void createConnectionSslFailedCertificate() throws Exception {
        // test_create_connection_ssl_failed_certificate: a certificate from an unknown CA
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(Echo::new, "127.0.0.1", 0, tlsServer());
            warmUp(loop, server);
            long before = openDescriptors();
            for (int i = 0; i < 20; i++) {
                SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> loop.createConnection(Recorder::new,
                        "127.0.0.1", port(server), ConnectOptions.defaults().withSsl(TestCerts.untrustingContext())));
                assertTrue(e.getMessage().contains("PKIX") || e.getMessage().contains("certificate"), e.getMessage());
            }
            sleep(0.1);
            assertTrue(openDescriptors() <= before + 2, "no socket leaks: " + before + " -> " + openDescriptors());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void createConnectionSslWrongHostname() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(Echo::new, "127.0.0.1", 0, tlsServer());
            warmUp(loop, server);
            long before = openDescriptors();
            for (int i = 0; i < 20; i++) {
                SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> loop.createConnection(Recorder::new,
                        "127.0.0.1", port(server), tls().withServerHostname("wrong.example")));
                assertTrue(e.getMessage().contains("wrong.example"), e.getMessage());
            }
            sleep(0.1);
            assertTrue(openDescriptors() <= before + 2, "no socket leaks: " + before + " -> " + openDescriptors());
            // "" checks no name: the chain alone is verified
            Recorder client = new Recorder();
            Transport t = loop.createConnection(() -> client, "127.0.0.1", port(server), tls().withServerHostname("")).transport();
            t.write("x".getBytes());
            client.awaitBytes(1);
            t.close();
            client.lost.await();
            server.close();
            server.waitClosed();
        });
    }

    /** One successful connection, so that lazily opened JDK and loop resources exist before counting. */
    static void warmUp(EventLoop loop, Server server) throws Exception {
        Recorder r = new Recorder();
        Transport t = loop.createConnection(() -> r, "127.0.0.1", port(server), tls()).transport();
        t.close();
        r.lost.await();
        sleep(0.05);
    }

    @Test
    void createConnectionSslSlowHandshake() throws Exception {
        // test_create_connection_ssl_slow_handshake: a peer that never speaks TLS
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            List<ErrorContext> errors = Loops.recordErrors(loop);
            Future<Void> peerSawEof = loop.createFuture();
            Server silent = Asyncio.startServer((r, w) -> {
                r.read(-1);
                peerSawEof.setResult(null);
            }, "127.0.0.1", 0);
            long before = openDescriptors();
            double start = loop.time();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> loop.createConnection(Recorder::new,
                    "127.0.0.1", port(silent), tls().withSslHandshakeTimeout(0.3)));
            assertTrue(e.getMessage().matches("SSL handshake is taking longer than 0.3 seconds: aborting the connection"), e.getMessage());
            assertTrue(loop.time() - start >= 0.29, "waited the handshake timeout");
            peerSawEof.await();
            sleep(0.05);
            assertTrue(openDescriptors() <= before + 1, "the socket is closed");
            assertEquals(List.of(), errors);
            silent.close();
        });
    }

    @Test
    void handshakeTimeout() throws Exception {
        // test_handshake_timeout: waitFor cancels createConnection mid-handshake; the socket is
        // closed and nothing is reported
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            List<ErrorContext> errors = Loops.recordErrors(loop);
            Future<Void> peerSawEof = loop.createFuture();
            Server silent = Asyncio.startServer((r, w) -> {
                r.read(-1);
                peerSawEof.setResult(null);
            }, "127.0.0.1", 0);
            long before = openDescriptors();
            assertThrows(TimeoutError.class, () -> Asyncio.waitFor(() -> loop.createConnection(Recorder::new,
                    "127.0.0.1", port(silent), tls()), 0.3));
            peerSawEof.await();
            sleep(0.05);
            assertTrue(openDescriptors() <= before + 1, "the socket is closed");
            assertEquals(List.of(), errors);
            silent.close();
        });
    }

    @Test
    void eofReceivedWaiter() throws Exception {
        // test_eof_received_waiter: the peer ends the stream during the handshake
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Server quitter = Asyncio.startServer((r, w) -> {
                r.read(1); // the ClientHello has come
                w.transport().writeEof();
                r.read(-1);
            }, "127.0.0.1", 0);
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> loop.createConnection(Recorder::new, "127.0.0.1", port(quitter), tls()));
            assertEquals("Remote host terminated the handshake", e.getMessage());
            quitter.close();
            quitter.waitClosed();
        });
    }

    @Test
    void tlsOptionsWithoutSsl() throws Exception {
        // test_create_connection_ssl_timeout_for_plain_socket and friends: refused before connecting
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(Echo::new, "127.0.0.1", 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.createConnection(
                    Recorder::new, "127.0.0.1", port(server), ConnectOptions.defaults().withServerHostname("x")));
            assertEquals("serverHostname is only meaningful with ssl", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> loop.createConnection(
                    Recorder::new, "127.0.0.1", port(server), ConnectOptions.defaults().withSslHandshakeTimeout(1)));
            assertEquals("sslHandshakeTimeout is only meaningful with ssl", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> loop.createConnection(
                    Recorder::new, "127.0.0.1", port(server), ConnectOptions.defaults().withSslShutdownTimeout(1)));
            assertEquals("sslShutdownTimeout is only meaningful with ssl", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> loop.createServer(
                    Recorder::new, "127.0.0.1", 0, ServerOptions.defaults().withSslHandshakeTimeout(1)));
            assertEquals("sslHandshakeTimeout is only meaningful with ssl", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> loop.createConnection(
                    Recorder::new, "127.0.0.1", port(server), tls().withServerHostname("bad_name!")));
            server.close();
        });
    }

    @Test
    void handshakeTimeoutZeroAndNegative() {
        // test_handshake_timeout_zero, test_handshake_timeout_negative
        for (double t : new double[] {0, -10, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConnectOptions.defaults().withSslHandshakeTimeout(t));
            assertTrue(e.getMessage().contains("a positive number"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ConnectOptions.defaults().withSslShutdownTimeout(t));
            assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().withSslHandshakeTimeout(t));
            assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().withSslShutdownTimeout(t));
        }
    }

    // ---- start_tls ---------------------------------------------------------------------------------

    @Test
    void startTlsClientRegProto1() throws Exception {
        TlsPeers.Peer peer = TlsPeers.serveOnce(sock -> {
            InputStream in = sock.getInputStream();
            assertEquals(PAYLOAD_SIZE, in.readNBytes(PAYLOAD_SIZE).length);
            SSLSocket tls = TlsPeers.tlsServer(serverContext, sock, true);
            tls.getOutputStream().write('O');
            tls.getOutputStream().flush();
            assertEquals(PAYLOAD_SIZE, tls.getInputStream().readNBytes(PAYLOAD_SIZE).length);
            tls.close();
        });
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Recorder proto = new Recorder();
            Transport tr = loop.createConnection(() -> proto, "127.0.0.1", peer.port).transport();
            tr.write(HELLO_MSG);
            Transport newTr = loop.startTls(tr, proto, clientContext, false, "localhost");
            assertArrayEquals(new byte[] {'O'}, proto.awaitBytes(1));
            newTr.write(HELLO_MSG);
            proto.eof.await();
            newTr.close();
            proto.lost.await();
            assertEquals(List.of("made", "eof", "lost"), proto.events, "connectionMade only once");
            peer.await();
        });
    }

    @Test
    void startTlsClientBufProto1() throws Exception {
        TlsPeers.Peer peer = TlsPeers.serveOnce(sock -> {
            assertEquals(PAYLOAD_SIZE, sock.getInputStream().readNBytes(PAYLOAD_SIZE).length);
            SSLSocket tls = TlsPeers.tlsServer(serverContext, sock, true);
            OutputStream out = tls.getOutputStream();
            out.write('O');
            out.flush();
            assertEquals(PAYLOAD_SIZE, tls.getInputStream().readNBytes(PAYLOAD_SIZE).length);
            out.write('2');
            out.flush();
            assertEquals(PAYLOAD_SIZE, tls.getInputStream().readNBytes(PAYLOAD_SIZE).length);
            tls.close();
        });
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            int[] connectionMadeCalls = {0};
            Future<byte[]> onData1 = loop.createFuture();
            BufferedProtocol first = new BufferedProtocol() {
                final ByteBuffer buf = ByteBuffer.allocate(1);

                @Override
                public void connectionMade(Transport t) {
                    connectionMadeCalls[0]++;
                }

                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    return buf.clear();
                }

                @Override
                public void bufferUpdated(int n) {
                    assertEquals(1, n);
                    onData1.setResult(new byte[] {buf.get(0)});
                }
            };
            Transport tr = loop.createConnection(() -> first, "127.0.0.1", peer.port).transport();
            tr.write(HELLO_MSG);
            Transport newTr = loop.startTls(tr, first, clientContext, false, "localhost");
            assertArrayEquals(new byte[] {'O'}, onData1.await());
            newTr.write(HELLO_MSG);
            Recorder second = new Recorder();
            newTr.setProtocol(second);
            assertSame(second, newTr.getProtocol());
            assertArrayEquals(new byte[] {'2'}, second.awaitBytes(1));
            newTr.write(HELLO_MSG);
            second.eof.await();
            newTr.close();
            second.lost.await();
            assertEquals(1, connectionMadeCalls[0], "startTls does not call connectionMade again");
            peer.await();
        });
    }

    @Test
    void startTlsSlowClientCancel() throws Exception {
        CompletableFuture<Void> serverWaits = new CompletableFuture<>();
        TlsPeers.Peer peer = TlsPeers.serveOnce(sock -> {
            assertEquals(PAYLOAD_SIZE, sock.getInputStream().readNBytes(PAYLOAD_SIZE).length);
            serverWaits.complete(null);
            sock.getInputStream().readAllBytes(); // never answers the ClientHello; ends at EOF
        });
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            List<ErrorContext> errors = Loops.recordErrors(loop);
            Recorder proto = new Recorder();
            Transport tr = loop.createConnection(() -> proto, "127.0.0.1", peer.port).transport();
            tr.write(HELLO_MSG);
            Future.wrap(serverWaits).await();
            assertThrows(TimeoutError.class,
                    () -> Asyncio.waitFor(() -> loop.startTls(tr, proto, clientContext, false, "localhost"), 0.5));
            assertTrue(tr.isClosing());
            proto.lost.await();
            assertEquals(List.of("made", "lost"), proto.events, "the protocol learns that its connection is gone");
            peer.await();
            assertEquals(List.of(), errors);
        });
    }

    @Test
    void startTlsServer1() throws Exception {
        byte[] answer = "answer".getBytes();
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Recorder proto = new Recorder();
            Server server = loop.createServer(() -> proto, "127.0.0.1", 0);
            CompletableFuture<byte[]> clientGot = new CompletableFuture<>();
            CompletableFuture<Void> client = TlsPeers.connectOnce(port(server), sock -> {
                assertEquals(PAYLOAD_SIZE, sock.getInputStream().readNBytes(PAYLOAD_SIZE).length);
                SSLSocket tls = TlsPeers.tlsClient(clientContext, sock);
                tls.getOutputStream().write(HELLO_MSG);
                tls.getOutputStream().flush();
                clientGot.complete(tls.getInputStream().readNBytes(answer.length));
                tls.close();
            });
            Transport tr = proto.made.await();
            tr.write(HELLO_MSG);
            assertEquals(0, proto.received.size());
            Transport newTr = loop.startTls(tr, proto, serverContext, true, null, 30, 30);
            proto.awaitBytes(PAYLOAD_SIZE);
            newTr.write(answer);
            proto.lost.await();
            assertArrayEquals(HELLO_MSG, proto.received.toByteArray());
            newTr.close();
            Future.wrap(client).await();
            assertArrayEquals(answer, clientGot.get());
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void startTlsWrongArgs() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(Echo::new, "127.0.0.1", 0);
            Recorder proto = new Recorder();
            Transport tr = loop.createConnection(() -> proto, "127.0.0.1", port(server)).transport();
            NullPointerException npe = assertThrows(NullPointerException.class,
                    () -> loop.startTls(tr, proto, null, false, null));
            assertTrue(npe.getMessage().contains("SSLContext"), npe.getMessage());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loop.startTls(tr, proto, serverContext, true, "localhost"));
            assertEquals("serverHostname is only meaningful on the client side", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> loop.startTls(tr, proto, clientContext, false, null, 0, 30));
            assertTrue(e.getMessage().contains("a positive number"), e.getMessage());
            List<Throwable> outside = Loops.errorsOutsideTask(() -> loop.startTls(tr, proto, clientContext, false, null));
            assertInstanceOf(IllegalStateException.class, outside.getFirst());
            assertFalse(tr.isClosing(), "refused calls leave the connection alone");
            tr.write("still plain".getBytes());
            assertArrayEquals("still plain".getBytes(), proto.awaitBytes(11));
            tr.close();
            IllegalStateException closing = assertThrows(IllegalStateException.class,
                    () -> loop.startTls(tr, proto, clientContext, false, null));
            assertTrue(closing.getMessage().contains("closing"), closing.getMessage());
            server.close();
        });
    }

    @Test
    void startTlsClientCorruptedSsl() throws Exception {
        // the server corrupts the TLS stream: the reader fails with an SSLException
        TlsPeers.Peer peer = TlsPeers.serveOnce(sock -> {
            SSLSocket tls = TlsPeers.tlsServer(serverContext, sock, false);
            tls.getOutputStream().write("A\n".getBytes());
            tls.getOutputStream().flush();
            tls.getInputStream().read();
            sock.getOutputStream().write("please corrupt the SSL connection".getBytes());
            sock.getOutputStream().flush();
            sock.getInputStream().readAllBytes();
        });
        Asyncio.run(() -> {
            Connection c = Asyncio.openConnection("127.0.0.1", peer.port, tls());
            assertArrayEquals("A\n".getBytes(), c.reader().readline());
            c.writer().write("B");
            assertThrows(SSLException.class, c.reader()::readline);
            c.writer().close();
            assertThrows(SSLException.class, c.writer()::waitClosed);
            peer.await();
        });
    }

    @Test
    void startTlsOverTls() throws Exception {
        // TLS inside TLS (a TLS tunnel through a TLS proxy, say): startTls over a TLS transport;
        // closing the outer transport afterwards reports nothing (gh-113214)
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            List<ErrorContext> errors = Loops.recordErrors(loop);
            Recorder serverProto = new Recorder();
            Server server = loop.createServer(() -> serverProto, "127.0.0.1", 0, tlsServer());
            Recorder clientProto = new Recorder();
            Transport outer = loop.createConnection(() -> clientProto, "127.0.0.1", port(server), tls()).transport();
            Transport serverOuter = serverProto.made.await();
            Task<Transport> serverInner = Asyncio.createTask(
                    () -> loop.startTls(serverOuter, serverProto, serverContext, true, null));
            Transport inner = loop.startTls(outer, clientProto, clientContext, false, "localhost");
            Transport innerOnServer = serverInner.await();
            assertInstanceOf(SslTransport.class, inner);
            assertSame(clientContext, inner.getExtraInfo("sslcontext"));
            inner.write("tunnelled".getBytes());
            assertArrayEquals("tunnelled".getBytes(), serverProto.awaitBytes(9));
            innerOnServer.write("back".getBytes());
            assertArrayEquals("back".getBytes(), clientProto.awaitBytes(4));
            outer.close();
            clientProto.lost.await();
            serverProto.lost.await();
            for (Recorder r : List.of(clientProto, serverProto)) {
                assertEquals("made", r.events.getFirst());
                assertEquals("lost", r.events.getLast());
                assertEquals(1, java.util.Collections.frequency(r.events, "lost"), "connectionLost once: " + r.events);
            }
            server.close();
            server.waitClosed();
            assertEquals(List.of(), errors);
        });
    }

    // ---- closing -----------------------------------------------------------------------------------

    @Test
    void writeAfterClosingAndExtraInfoOnClosedConnection() throws Exception {
        // test_write_after_closing, test_get_extra_info_on_closed_connection
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(Echo::new, "127.0.0.1", 0, tlsServer());
            Recorder client = new Recorder();
            Transport t = connect(client, server);
            assertNotNull(t.getExtraInfo("socket"));
            t.close();
            t.write("too late".getBytes()); // ignored, as asyncio does
            t.close();                      // again: nothing
            client.lost.await();
            assertNull(t.getExtraInfo("socket"));
            assertSame(clientContext, t.getExtraInfo("sslcontext"));
            assertEquals(List.of("made", "eof", "lost"), client.events);
            server.close();
        });
    }

    @Test
    void abortDropsTheConnection() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Recorder> accepted = loop.createFuture();
            Server server = recordingServer(accepted);
            Recorder client = new Recorder();
            Transport t = connect(client, server);
            t.write(new byte[1 << 20]);
            t.abort();
            assertTrue(t.isClosing());
            client.lost.await();
            assertNull(client.lostWith);
            Recorder peer = accepted.await();
            peer.lost.await();
            assertEquals("lost", peer.events.getLast());
            server.close();
        });
    }

    @Test
    void peerEndsStreamWithoutCloseNotify() throws Exception {
        // a TCP end of stream without close_notify counts as end of stream, as in asyncio
        TlsPeers.Peer peer = TlsPeers.serveOnce(sock -> {
            SSLSocket tls = TlsPeers.tlsServer(serverContext, sock, false);
            tls.getOutputStream().write("data".getBytes());
            tls.getOutputStream().flush();
            sock.shutdownOutput();
            sock.getInputStream().readAllBytes();
        });
        Asyncio.run(() -> {
            Recorder client = new Recorder();
            getRunningLoop().createConnection(() -> client, "127.0.0.1", peer.port, tls());
            client.lost.await();
            assertArrayEquals("data".getBytes(), client.received.toByteArray());
            assertEquals(List.of("made", "eof", "lost"), client.events);
            assertNull(client.lostWith);
            peer.await();
        });
    }

    @Test
    void shutdownTimeout() throws Exception {
        // the peer never answers our close_notify: the connection is dropped after the timeout
        CompletableFuture<Void> release = new CompletableFuture<>();
        TlsPeers.Peer peer = TlsPeers.serveOnce(sock -> {
            TlsPeers.tlsServer(serverContext, sock, true);
            release.get(30, TimeUnit.SECONDS); // does not read, so does not answer
        });
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Recorder client = new Recorder();
            Transport t = loop.createConnection(() -> client, "127.0.0.1", peer.port,
                    tls().withSslShutdownTimeout(0.3)).transport();
            double start = loop.time();
            t.close();
            client.lost.await();
            assertTrue(loop.time() - start >= 0.29);
            TimeoutError e = assertInstanceOf(TimeoutError.class, client.lostWith);
            assertEquals("SSL shutdown timed out", e.getMessage());
            release.complete(null);
            peer.await();
        });
    }

    // ---- flow control ------------------------------------------------------------------------------

    @Test
    void writeFlowControl() throws Exception {
        writeFlowControl(-1, -1);
    }

    @Test
    void writeFlowControlToAnEmptyBuffer() throws Exception {
        // a low-water mark of 0: resumed only once nothing waits, which must still happen
        writeFlowControl(64 * 1024, 0);
    }

    /**
     * The peer does not read: the application is paused past the high-water mark, resumed once
     * the peer reads, and not a byte is lost. {@code high < 0}: the default marks.
     */
    void writeFlowControl(int high, int low) throws Exception {
        CompletableFuture<Void> startReading = new CompletableFuture<>();
        CompletableFuture<Long> peerCount = new CompletableFuture<>();
        TlsPeers.Peer peer = TlsPeers.serveOnce(sock -> {
            SSLSocket tls = TlsPeers.tlsServer(serverContext, sock, true);
            startReading.get(30, TimeUnit.SECONDS);
            long total = 0;
            byte[] buf = new byte[65536];
            for (int n; (n = tls.getInputStream().read(buf)) > 0; ) total += n;
            peerCount.complete(total);
            tls.close();
        });
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Recorder client = new Recorder();
            Transport t = loop.createConnection(() -> client, "127.0.0.1", peer.port, tls()).transport();
            assertEquals(SslProtocol.WRITE_HIGH_WATER, t.getWriteBufferHighWater());
            assertEquals(SslProtocol.WRITE_HIGH_WATER / 4, t.getWriteBufferLowWater());
            if (high >= 0) t.setWriteBufferLimits(high, low);
            byte[] chunk = new byte[256 * 1024];
            long written = 0;
            while (!client.writingPaused) {
                t.write(chunk);
                written += chunk.length;
                sleep(0.001);
            }
            assertTrue(t.getWriteBufferSize() >= t.getWriteBufferHighWater(), "paused at " + t.getWriteBufferSize());
            client.resumed = loop.createFuture();
            startReading.complete(null);
            client.resumed.await();
            assertTrue(t.getWriteBufferSize() <= t.getWriteBufferLowWater());
            t.close();
            client.lost.await();
            assertEquals(written, Future.wrap(peerCount).await());
            assertEquals(List.of("made", "pause", "resume", "eof", "lost"), client.events);
            peer.await();
        });
    }

    @Test
    void setWriteBufferLimits() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(Echo::new, "127.0.0.1", 0, tlsServer());
            Recorder client = new Recorder();
            Transport t = connect(client, server);
            assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(1, 2));
            assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(0, -1));
            t.setWriteBufferLimits(1000);
            assertEquals(1000, t.getWriteBufferHighWater());
            assertEquals(250, t.getWriteBufferLowWater());
            t.close();
            client.lost.await();
            server.close();
        });
    }

    @Test
    void readFlowControl() throws Exception {
        // the application pauses reading: the TLS layer keeps what arrives until it holds too
        // much, then pauses the socket; resuming delivers everything
        int total = 4 << 20;
        TlsPeers.Peer peer = TlsPeers.serveOnce(sock -> {
            SSLSocket tls = TlsPeers.tlsServer(serverContext, sock, true);
            tls.getOutputStream().write(new byte[total]);
            tls.getOutputStream().flush();
            tls.getInputStream().read(); // until the client closes
            tls.close();
        });
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            Recorder proto = new Recorder();
            Transport tr = loop.createConnection(() -> proto, "127.0.0.1", peer.port).transport();
            Transport newTr = loop.startTls(tr, proto, clientContext, false, "localhost");
            newTr.pauseReading();
            assertFalse(newTr.isReading());
            int seen = proto.received.size();
            for (int i = 0; i < 100 && tr.isReading(); i++) sleep(0.02);
            assertFalse(tr.isReading(), "the socket is paused once enough is waiting");
            assertEquals(seen, proto.received.size(), "nothing is delivered while paused");
            newTr.resumeReading();
            assertTrue(newTr.isReading());
            proto.awaitBytes(total);
            assertEquals(total, proto.received.size());
            assertTrue(tr.isReading());
            newTr.close();
            proto.lost.await();
            peer.await();
        });
    }
}
