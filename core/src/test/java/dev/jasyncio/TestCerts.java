package dev.jasyncio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for the TLS tests, made when the tests run (nothing secret is committed) with the
 * keytool of the JDK running them: a CA, and a server certificate for {@code localhost} and
 * {@code 127.0.0.1} that it signed (and, for the tests that ask, a client certificate). Also
 * written as PEM files for CPython's {@code ssl} module.
 */
final class TestCerts {
    private static final char[] PASSWORD = "jasyncio-test".toCharArray();

    final X509Certificate ca;
    final X509Certificate server;
    final PrivateKey serverKey;
    /** PEM files: the CA's certificate; the server's chain (its certificate, then the CA's); its key. */
    final Path caPem, chainPem, keyPem;
    private final Path dir;   // where the CA's key store is, to issue more certificates with

    private TestCerts(Path dir, X509Certificate ca, X509Certificate server, PrivateKey serverKey, Path caPem, Path chainPem, Path keyPem) {
        this.dir = dir;
        this.ca = ca;
        this.server = server;
        this.serverKey = serverKey;
        this.caPem = caPem;
        this.chainPem = chainPem;
        this.keyPem = keyPem;
    }

    /** Makes the CA and the server certificate in {@code dir} (a few keytool runs: about a second each). */
    static TestCerts create(Path dir) throws Exception {
        Path caStore = dir.resolve("ca.p12");
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=jasyncio test CA", "-keystore", caStore.toString(),
                "-ext", "bc:c=ca:true", "-ext", "ku:c=keyCertSign,cRLSign");
        X509Certificate ca = (X509Certificate) load(caStore).getCertificate("ca");
        Issued server = issue(dir, "server", "CN=localhost", "san=dns:localhost,ip:127.0.0.1", "eku=serverAuth");
        Path caPem = Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));
        Path chainPem = Files.writeString(dir.resolve("server-chain.pem"), server.chainPem(ca));
        Path keyPem = Files.writeString(dir.resolve("server-key.pem"), pem("PRIVATE KEY", server.key().getEncoded()));
        return new TestCerts(dir, ca, server.cert(), server.key(), caPem, chainPem, keyPem);
    }

    /** A certificate the test CA signed, and its key. */
    private record Issued(X509Certificate cert, PrivateKey key) {
        /** The certificate, then the CA's, as PEM. */
        String chainPem(X509Certificate ca) throws Exception {
            return pem("CERTIFICATE", cert.getEncoded()) + pem("CERTIFICATE", ca.getEncoded());
        }
    }

    /** A key for {@code name} with a certificate for {@code dname} that the CA in {@code dir} signs, with {@code exts}. */
    private static Issued issue(Path dir, String name, String dname, String... exts) throws Exception {
        Path store = dir.resolve(name + ".p12"), csr = dir.resolve(name + ".csr"), signed = dir.resolve(name + ".crt");
        keytool("-genkeypair", "-alias", name, "-dname", dname, "-keystore", store.toString());
        keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-file", csr.toString());
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(),
                "-infile", csr.toString(), "-outfile", signed.toString(), "-rfc", "-ext", "ku:c=digitalSignature"));
        for (String ext : exts) gencert.addAll(List.of("-ext", ext));
        keytool(gencert.toArray(String[]::new));
        try (InputStream in = Files.newInputStream(signed)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return new Issued(cert, (PrivateKey) load(store).getKey(name, PASSWORD));
        }
    }

    /** The server's context: its key with the chain up to the CA. */
    SSLContext serverContext() throws Exception {
        return context(serverKeys(), null, "TLS");
    }

    private KeyManager[] serverKeys() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", serverKey, PASSWORD, new Certificate[] {server, ca});
        return keyManagers(ks);
    }

    private static KeyManager[] keyManagers(KeyStore ks) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        return kmf.getKeyManagers();
    }

    private TrustManager[] trustCa() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust, String protocol) throws Exception {
        SSLContext ctx = SSLContext.getInstance(protocol);
        ctx.init(keys, trust, null);
        return ctx;
    }

    /** A client context that trusts the test CA only. */
    SSLContext clientContext() throws Exception {
        return clientContext("TLS");
    }

    /** A client context for {@code protocol} ("TLS", "TLSv1.2"...) that trusts the test CA only. */
    SSLContext clientContext(String protocol) throws Exception {
        return context(null, trustCa(), protocol);
    }

    /** The server's context that also trusts the test CA, to check client certificates with. */
    SSLContext serverContextTrustingCa() throws Exception {
        return context(serverKeys(), trustCa(), "TLS");
    }

    /**
     * A client context that trusts the test CA and presents a client certificate ({@code CN=jasyncio
     * test client}) the CA signs now (three more keytool runs); also written as {@code
     * client-chain.pem} and {@code client-key.pem} beside {@link #caPem}, for CPython.
     */
    SSLContext clientContextWithCertificate() throws Exception {
        Issued client = issue(dir, "client", "CN=jasyncio test client", "eku=clientAuth");
        Files.writeString(dir.resolve("client-chain.pem"), client.chainPem(ca));
        Files.writeString(dir.resolve("client-key.pem"), pem("PRIVATE KEY", client.key().getEncoded()));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", client.key(), PASSWORD, new Certificate[] {client.cert(), ca});
        return context(keyManagers(ks), trustCa(), "TLS");
    }

    /** A client context with the JDK's default trust store, which does not know the test CA. */
    static SSLContext untrustingContext() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        return ctx;
    }

    private static KeyStore load(Path p) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /** Runs the JDK's keytool with EC keys valid for two days and the test password. */
    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        if (args[0].equals("-genkeypair")) cmd.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        if (args[0].equals("-gencert")) cmd.addAll(List.of("-validity", "2"));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-noprompt"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", args) + " failed:\n" + out);
        }
    }
}
