package dev.jasyncio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Test support for TLS: blocking peers on platform threads using the JDK's own {@link SSLSocket}
 * (asyncio's tests use blocking socket threads the same way), and a protocol that records what
 * its transport does to it.
 */
final class TlsPeers {
    private TlsPeers() {}

    /** A blocking socket body, run on a thread of its own. */
    interface SocketBody {
        void run(Socket s) throws Exception;
    }

    /** A listening socket on 127.0.0.1 whose first connection runs {@code body}; see {@link Peer}. */
    static Peer serveOnce(SocketBody body) throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Peer peer = new Peer(listener.getLocalPort());
        onThread("tls-test-peer", peer.done, () -> {
            try (listener) {
                return listener.accept();
            }
        }, body);
        return peer;
    }

    /** Connects to 127.0.0.1:{@code port} on a thread of its own and runs {@code body}. */
    static CompletableFuture<Void> connectOnce(int port, SocketBody body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onThread("tls-test-client", done, () -> new Socket(InetAddress.getLoopbackAddress(), port), body);
        return done;
    }

    /** On a new platform thread: opens a socket, runs {@code body} on it, closes it, and completes {@code done}. */
    private static void onThread(String name, CompletableFuture<Void> done, Callable<Socket> open, SocketBody body) {
        Thread.ofPlatform().daemon().name(name).start(() -> {
            try (Socket s = open.call()) {
                s.setSoTimeout(30_000);
                body.run(s);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
    }

    /** A peer thread: the port it listens on, and its outcome. */
    static final class Peer {
        final int port;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Peer(int port) {
            this.port = port;
        }

        /** Waits (in a task, without blocking the loop) for the peer's body to end; rethrows its failure. */
        void await() throws Exception {
            Future.wrap(done).await();
        }
    }

    /** TLS as the server over an accepted plain socket; the handshake is done when this returns. */
    static SSLSocket tlsServer(SSLContext ctx, Socket plain, boolean closePlain) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, null, plain.getPort(), closePlain);
        s.setUseClientMode(false);
        s.startHandshake();
        return s;
    }

    /** TLS as the client of {@code localhost} over a connected plain socket. */
    static SSLSocket tlsClient(SSLContext ctx, Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), true);
        s.setUseClientMode(true);
        s.startHandshake();
        return s;
    }

    /** A protocol that records its events and the bytes it receives, with futures to wait on. */
    static class Recorder implements Protocol {
        final EventLoop loop = Asyncio.getRunningLoop();
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final Future<Transport> made = loop.createFuture();
        final Future<Void> eof = loop.createFuture();
        final Future<Void> lost = loop.createFuture();
        final Event data = new Event();
        Transport transport;
        Throwable lostWith;
        boolean writingPaused;
        Future<Void> resumed;

        @Override
        public void connectionMade(Transport t) {
            events.add("made");
            transport = t;
            made.setResult(t);
        }

        @Override
        public void dataReceived(ByteBuffer d) {
            byte[] b = new byte[d.remaining()];
            d.get(b);
            received.writeBytes(b);
            data.set();
        }

        @Override
        public boolean eofReceived() {
            events.add("eof");
            eof.setResult(null);
            return false;
        }

        @Override
        public void connectionLost(Throwable exc) {
            events.add("lost");
            lostWith = exc;
            lost.setResult(null);
        }

        @Override
        public void pauseWriting() {
            events.add("pause");
            writingPaused = true;
        }

        @Override
        public void resumeWriting() {
            events.add("resume");
            writingPaused = false;
            if (resumed != null && !resumed.done()) resumed.setResult(null);
        }

        /** Waits until at least {@code n} bytes have arrived in all; returns them all. */
        byte[] awaitBytes(int n) {
            while (received.size() < n) {
                data.clear();
                data.await();
            }
            return received.toByteArray();
        }
    }
}
