package dev.jasyncio;

import java.nio.file.Path;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the TLS test classes share: certificates made once per class (see {@link TestCerts}),
 * the server's and the client's contexts, and options that use them.
 */
abstract class TlsTestCase {
    @TempDir
    static Path certDir;
    static TestCerts certs;
    static SSLContext serverContext, clientContext;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.create(certDir);
        serverContext = certs.serverContext();
        clientContext = certs.clientContext();
    }

    /** Client options for TLS that trusts the test CA. */
    static ConnectOptions tls() {
        return ConnectOptions.defaults().withSsl(clientContext);
    }

    /** Server options for TLS with the test certificate. */
    static ServerOptions tlsServer() {
        return ServerOptions.defaults().withSsl(serverContext);
    }

    /**
     * Server options for TLS that require a client certificate the test CA signed (asyncio's
     * server context with {@code verify_mode = CERT_REQUIRED}).
     */
    static ServerOptions requiringClientCertificates() throws Exception {
        return ServerOptions.defaults().withSsl(certs.serverContextTrustingCa()).withSslParameters(needClientAuth());
    }

    /** Parameters that make a TLS server require a client certificate. */
    static SSLParameters needClientAuth() {
        SSLParameters p = new SSLParameters();
        p.setNeedClientAuth(true);
        return p;
    }
}
