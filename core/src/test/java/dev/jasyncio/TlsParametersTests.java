package dev.jasyncio;

import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.StreamServerTests.port;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sslParameters}: what Python sets on its {@code ssl.SSLContext} and Java on an engine's
 * {@link SSLParameters}. A server that requires client certificates (asyncio's server context
 * with {@code verify_mode = CERT_REQUIRED}), ALPN (asyncio's {@code set_alpn_protocols}), and the
 * rules around them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsParametersTests extends TlsTestCase {
    static SSLContext clientWithCertificate;

    @BeforeAll
    static void makeClientCertificate() throws Exception {
        clientWithCertificate = certs.clientContextWithCertificate();
    }

    @Test
    void clientCertificateRequiredAndPresented() throws Exception {
        Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(getRunningLoop());
            Future<Object> seen = getRunningLoop().createFuture();
            Server server = Asyncio.startServer((r, w) -> {
                seen.setResult(w.getExtraInfo("peercert"));
                TlsStreamTests.echoLines(r, w);
            }, "127.0.0.1", 0, requiringClientCertificates());
            Connection c = Asyncio.openConnection("127.0.0.1", port(server), tls().withSsl(clientWithCertificate));
            c.writer().write("hello\n");
            assertArrayEquals("hello\n".getBytes(), c.reader().readline());
            Certificate[] chain = assertInstanceOf(Certificate[].class, seen.await());
            assertEquals("CN=jasyncio test client", ((X509Certificate) chain[0]).getSubjectX500Principal().getName());
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
            assertEquals(List.of(), errors);
        });
    }

    @Test
    void clientCertificateRequiredButMissing() throws Exception {
        // TLS 1.3 ends the client's handshake before the server has checked the client: the
        // refusal may come as the handshake's failure or as the first read's
        Asyncio.run(() -> {
            Future<Void> handled = getRunningLoop().createFuture();
            Server server = Asyncio.startServer((r, w) -> handled.setResult(null), "127.0.0.1", 0, requiringClientCertificates());
            IOException refused = assertThrows(IOException.class, () -> {
                Connection c = Asyncio.openConnection("127.0.0.1", port(server), tls());
                c.writer().write("hello\n");
                c.reader().readline();
            });
            assertInstanceOf(SSLException.class, refused, refused.toString());
            Asyncio.sleep(0.05);
            assertFalse(handled.done(), "the handler runs only after a successful handshake");
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void clientCertificateWantedButOptional() throws Exception {
        Asyncio.run(() -> {
            Future<Object> seen = getRunningLoop().createFuture();
            SSLParameters want = new SSLParameters();
            want.setWantClientAuth(true);
            Server server = Asyncio.startServer((r, w) -> seen.setResult(w.getExtraInfo("peercert")),
                    "127.0.0.1", 0, ServerOptions.defaults().withSsl(certs.serverContextTrustingCa()).withSslParameters(want));
            Connection c = Asyncio.openConnection("127.0.0.1", port(server), tls());
            assertNull(seen.await(), "a client without a certificate is let in, and the server sees none");
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void alpnNegotiated() throws Exception {
        Asyncio.run(() -> {
            Future<String> serverChose = getRunningLoop().createFuture();
            SSLParameters serverAlpn = new SSLParameters();
            serverAlpn.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            Server server = Asyncio.startServer(
                    (r, w) -> serverChose.setResult(((SSLEngine) w.getExtraInfo("ssl_object")).getApplicationProtocol()),
                    "127.0.0.1", 0, tlsServer().withSslParameters(serverAlpn));
            SSLParameters clientAlpn = new SSLParameters();
            clientAlpn.setApplicationProtocols(new String[] {"http/1.1"});
            Connection c = Asyncio.openConnection("127.0.0.1", port(server), tls().withSslParameters(clientAlpn));
            assertEquals("http/1.1", ((SSLEngine) c.writer().getExtraInfo("ssl_object")).getApplicationProtocol());
            assertEquals("http/1.1", serverChose.await());
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void parametersCannotSwitchOffTheNameCheck() throws Exception {
        // the caller's parameters come first; a serverHostname is still checked ("" is the way not to)
        Asyncio.run(() -> {
            Server server = Asyncio.startServer((r, w) -> { }, "127.0.0.1", 0, tlsServer());
            SSLParameters noCheck = new SSLParameters();
            noCheck.setEndpointIdentificationAlgorithm(null);
            ConnectOptions wrongName = tls().withServerHostname("wrong.example").withSslParameters(noCheck);
            assertThrows(SSLHandshakeException.class, () -> Asyncio.openConnection("127.0.0.1", port(server), wrongName));
            Connection c = Asyncio.openConnection("127.0.0.1", port(server), wrongName.withServerHostname(""));
            assertTrue(c.writer().getExtraInfo("ssl_object") instanceof SSLEngine);
            c.writer().close();
            server.close();
            server.waitClosed();
        });
    }

    @Test
    void startTlsRequiringClientCertificate() throws Exception {
        // a STARTTLS upgrade with the parameters a fresh TLS server would take: the certificate
        // is required and seen; a client without one is refused and the handler hears why
        Asyncio.run(() -> {
            ServerOptions needCertificate = requiringClientCertificates();
            // keyed by what each client says: the two server-side handshakes may end in either order
            Map<String, Object> outcomes = new HashMap<>();
            Future<Void> bothDone = getRunningLoop().createFuture();
            Server plain = Asyncio.startServer((r, w) -> {
                String who = new String(r.readline()).strip();
                try {
                    w.startTls(needCertificate.ssl(), needCertificate.sslParameters(), null, 5, 5);
                    outcomes.put(who, w.getExtraInfo("peercert"));
                } catch (SSLException refused) {
                    outcomes.put(who, refused);
                }
                if (outcomes.size() == 2) bothDone.setResult(null);
            }, "127.0.0.1", 0);
            Connection with = Asyncio.openConnection("localhost", port(plain));
            with.writer().write("with\n");
            with.writer().startTls(clientWithCertificate);
            Connection without = Asyncio.openConnection("localhost", port(plain));
            without.writer().write("without\n");
            assertThrows(IOException.class, () -> {
                without.writer().startTls(clientContext);
                without.reader().read(1); // TLS 1.3: the refusal may come after the client's handshake
            });
            bothDone.await();
            Certificate[] chain = assertInstanceOf(Certificate[].class, outcomes.get("with"));
            assertEquals("CN=jasyncio test client", ((X509Certificate) chain[0]).getSubjectX500Principal().getName());
            assertInstanceOf(SSLException.class, outcomes.get("without"));
            with.writer().close();
            plain.close();
            plain.waitClosed();
        });
    }

    @Test
    void loopStartTlsNegotiatesAlpn() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = getRunningLoop();
            SSLParameters serverAlpn = new SSLParameters();
            serverAlpn.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            Future<String> serverChose = loop.createFuture();
            Server plain = Asyncio.startServer((r, w) -> {
                r.readline();
                w.startTls(serverContext, serverAlpn, null, 5, 5);
                serverChose.setResult(((SSLEngine) w.getExtraInfo("ssl_object")).getApplicationProtocol());
            }, "127.0.0.1", 0);
            SSLParameters clientAlpn = new SSLParameters();
            clientAlpn.setApplicationProtocols(new String[] {"h2"});
            Protocol proto = new Protocol() { };
            Transport tr = loop.createConnection(() -> proto, "127.0.0.1", port(plain)).transport();
            tr.write("STARTTLS\n".getBytes());
            Transport tls = loop.startTls(tr, proto, clientContext, clientAlpn, false, "localhost", 5, 5);
            assertEquals("h2", ((SSLEngine) tls.getExtraInfo("ssl_object")).getApplicationProtocol());
            assertEquals("h2", serverChose.await());
            tls.close();
            plain.close();
            plain.waitClosed();
        });
    }

    @Test
    void parametersOnlyWithSsl() throws Exception {
        Asyncio.run(() -> {
            SSLParameters p = needClientAuth();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.startServer(
                    (r, w) -> { }, "127.0.0.1", 0, ServerOptions.defaults().withSslParameters(p)));
            assertEquals("sslParameters is only meaningful with ssl", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Asyncio.openConnection("127.0.0.1", 9, ConnectOptions.defaults().withSslParameters(p)));
            assertEquals("sslParameters is only meaningful with ssl", e.getMessage());
        });
    }
}
