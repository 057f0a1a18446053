package dev.jasyncio;

import static dev.jasyncio.CPythonInteropTests.script;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with a peer nobody here wrote: CPython's asyncio and ssl module (the system
 * /usr/bin/python3, OpenSSL underneath), loading the same certificate and key as PEM, as the
 * server of a jasyncio client and as the client of a jasyncio server, from the first byte and
 * through a STARTTLS upgrade, and as a client presenting a certificate to a server that requires one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsInteropTests extends TlsTestCase {
    @TempDir
    Path tmp;

    /** Runs {@code body} with the port of a CPython TLS server in {@code mode} ("tls" or "starttls"). */
    void withCPythonServer(String mode, CPythonInteropTests.PortBody body) throws Exception {
        CPythonInteropTests.withPythonServer(List.of(script(tmp, "tls_echo_server.py").toString(),
                certs.chainPem.toString(), certs.keyPem.toString(), mode), body);
    }

    /** Talks to the CPython server over an established TLS connection, then says QUIT. */
    static void talk(Connection c) throws Exception {
        CPythonInteropTests.upperCaseRoundTrips(c);
        Certificate[] chain = (Certificate[]) c.writer().getExtraInfo("peercert");
        assertEquals(certs.server, chain[0]);
        c.writer().write("QUIT\n");
        assertArrayEquals("BYE\n".getBytes(), c.reader().readline());
        assertArrayEquals(new byte[0], c.reader().read(-1), "the server's close_notify ends the stream");
        c.writer().close();
        c.writer().waitClosed();
    }

    @Test
    void jasyncioClientTalksToCPythonTlsServer() throws Exception {
        withCPythonServer("tls", port -> Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(Asyncio.getRunningLoop());
            Connection c = Asyncio.openConnection("127.0.0.1", port, ConnectOptions.defaults()
                    .withSsl(clientContext).withLimit(2_000_000));
            talk(c);
            assertEquals(List.of(), errors);
        }));
    }

    @Test
    void jasyncioClientStartsTlsWithCPythonServer() throws Exception {
        withCPythonServer("starttls", port -> Asyncio.run(() -> {
            Connection c = Asyncio.openConnection("127.0.0.1", port, ConnectOptions.defaults().withLimit(2_000_000));
            c.writer().write("STARTTLS\n");
            assertArrayEquals("GO\n".getBytes(), c.reader().readline());
            c.writer().startTls(clientContext, "localhost");
            talk(c);
        }));
    }

    /** Runs the CPython client in {@code mode} against a jasyncio server; returns what it printed. */
    List<String> cpythonClient(String mode, boolean startTls) throws Exception {
        return cpythonClient(mode, startTls, ServerOptions.defaults().withSsl(serverContext), null);
    }

    /**
     * {@link #cpythonClient(String, boolean)} against a server with {@code tls} (used from the first
     * byte unless {@code startTls}); the server's handler checks each connection with {@code check}.
     */
    List<String> cpythonClient(String mode, boolean startTls, ServerOptions tls, Consumer<StreamWriter> check) throws Exception {
        Path client = script(tmp, "tls_echo_client.py");
        return Asyncio.run(() -> {
            List<ErrorContext> errors = Loops.recordErrors(Asyncio.getRunningLoop());
            ClientConnected reverser = (r, w) -> {
                if (check != null) check.accept(w);
                if (startTls) {
                    assertArrayEquals("STARTTLS\n".getBytes(), r.readline());
                    w.write("GO\n");
                    w.startTls(serverContext);
                }
                for (byte[] line; (line = r.readline()).length > 0; ) {
                    String text = new String(line, StandardCharsets.UTF_8).strip();
                    if (text.equals("quit")) break;
                    w.write(new StringBuilder(text).reverse() + "\n");
                    w.drain();
                }
                w.write("end\n");
                w.close();
                w.waitClosed();
            };
            ServerOptions options = (startTls ? ServerOptions.defaults() : tls).withLimit(2_000_000);
            Server server = Asyncio.startServer(reverser, "127.0.0.1", 0, options);
            int port = ((InetSocketAddress) server.sockets().getFirst()).getPort();
            List<String> printed = CPythonInteropTests.runPython(List.of(client.toString(), certs.caPem.toString(),
                    String.valueOf(port), mode, "abc", "hello"));
            server.close();
            server.waitClosed();
            assertEquals(List.of(), errors);
            return printed;
        });
    }

    @Test
    void cpythonTlsClientTalksToJasyncioServer() throws Exception {
        assertEquals(List.of("cba", "olleh", "<1000000 bytes>", "end"), cpythonClient("tls", false));
    }

    @Test
    void cpythonClientWithCertificateTalksToServerRequiringOne() throws Exception {
        certs.clientContextWithCertificate(); // writes the client's PEM files for CPython
        List<String> subjects = new ArrayList<>();
        Consumer<StreamWriter> check = w -> subjects.add(
                ((X509Certificate) ((Certificate[]) w.getExtraInfo("peercert"))[0]).getSubjectX500Principal().getName());
        assertEquals(List.of("cba", "olleh", "<1000000 bytes>", "end"), cpythonClient("mtls", false, requiringClientCertificates(), check));
        assertEquals(List.of("CN=jasyncio test client"), subjects);
    }

    @Test
    void cpythonClientStartsTlsWithJasyncioServer() throws Exception {
        assertEquals(List.of("cba", "olleh", "<1000000 bytes>", "end"), cpythonClient("starttls", true));
    }
}
