package dev.jasyncio;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Opening sockets for the loop: name resolution off the loop thread, non-blocking connects that
 * suspend only the calling task, and listening sockets. The parts of asyncio's
 * {@code base_events} that come before a transport exists. A socket that does not make it into a
 * transport is always closed.
 */
final class Sockets {
    private Sockets() {}

    /**
     * The addresses of {@code host}: a numeric address at once, a name through the loop's
     * executor, since the JDK's resolver blocks the thread (and would block the whole loop).
     */
    static List<InetSocketAddress> resolve(EventLoop loop, String host, int port) throws IOException {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        InetAddress literal = literal(host);
        if (literal != null) return List.of(new InetSocketAddress(literal, port));
        InetAddress[] all = loop.runInExecutor(null, () -> InetAddress.getAllByName(host)).awaitUnchecked();
        Set<InetSocketAddress> unique = new LinkedHashSet<>();
        for (InetAddress a : all) unique.add(new InetSocketAddress(a, port));
        return List.copyOf(unique);
    }

    /** {@code host} as a numeric IPv4 or IPv6 address, or null if it is a name. */
    static InetAddress literal(String host) {
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException notNumeric) {
            return null;
        }
    }

    /** {@code addr} with its host resolved (off the loop) to its first address; null stays null. */
    static SocketAddress resolveOne(EventLoop loop, SocketAddress addr) throws IOException {
        if (addr instanceof InetSocketAddress inet && inet.isUnresolved()) {
            return resolve(loop, inet.getHostString(), inet.getPort()).getFirst();
        }
        return addr;
    }

    /** A non-blocking UDP socket bound to {@code local} (if given) and connected to {@code remote} (if given). */
    static DatagramChannel datagram(SocketAddress local, SocketAddress remote) throws IOException {
        DatagramChannel ch = DatagramChannel.open(family(remote != null ? remote : local));
        try {
            ch.configureBlocking(false);
            if (local != null) ch.bind(local);
            if (remote != null) ch.connect(remote);
            return ch;
        } catch (Throwable e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * The address that listens on every interface: {@code ::} on a dual-stack socket, which takes
     * IPv4 connections too, where IPv6 works; else {@code 0.0.0.0}. (asyncio opens one socket per
     * family; Java's IPv6 sockets are dual-stack, so one does.)
     */
    static InetSocketAddress everyInterface(int port) {
        return new InetSocketAddress(Ipv6.WORKS ? InetAddress.ofLiteral("::") : InetAddress.ofLiteral("0.0.0.0"), port);
    }

    /** Whether IPv6 works here: found out by binding a socket, once, the first time it matters. */
    private static final class Ipv6 {
        static final boolean WORKS = works();

        private static boolean works() {
            try (var ch = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
                ch.bind(new InetSocketAddress(InetAddress.ofLiteral("::1"), 0));
                return true;
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
    }

    /** Connects to the first of {@code addresses} that accepts; the errors of all if none does. */
    static SocketChannel connect(EventLoop loop, List<? extends SocketAddress> addresses, SocketAddress local) throws IOException {
        List<IOException> errors = new ArrayList<>();
        for (SocketAddress address : addresses) {
            SocketChannel ch = SocketChannel.open(family(address));
            try {
                ch.configureBlocking(false);
                if (local != null) ch.bind(local);
                if (!ch.connect(address)) awaitConnected(loop, ch);
                return ch;
            } catch (IOException e) {
                closeQuietly(ch);
                errors.add(connectFailed(address, e));
            } catch (Throwable e) {
                closeQuietly(ch); // cancelled meanwhile, or a bug: the socket must not leak
                throw e;
            }
        }
        if (errors.isEmpty()) throw new IllegalArgumentException("no address to connect to");
        if (errors.size() == 1) throw errors.getFirst();
        ConnectException all = new ConnectException("Multiple exceptions: " + errors.stream().map(Throwable::getMessage).toList());
        for (IOException e : errors) all.addSuppressed(e);
        throw all;
    }

    /** The connect error with the address in its message (the JDK's says only "Connection refused"). */
    private static IOException connectFailed(SocketAddress address, IOException e) {
        String message = "Connect call failed " + address + ": " + e.getMessage();
        IOException named = e instanceof ConnectException ? new ConnectException(message) : new IOException(message);
        named.initCause(e);
        return named;
    }

    /** Suspends the calling task until a pending non-blocking connect completes or fails. */
    private static void awaitConnected(EventLoop loop, SocketChannel ch) throws IOException {
        Future<Void> done = loop.createFuture();
        IoWatch watch = IoWatch.owned(loop, ch);
        watch.setWriter(new Handle(() -> {
            if (done.done()) return;
            try {
                if (ch.finishConnect()) done.setResult(null);
            } catch (IOException e) {
                done.setException(e);
            }
        }));
        try {
            done.awaitUnchecked();
        } finally {
            watch.clearWriter();
        }
    }

    /**
     * Listening sockets on every address, all or none: if one cannot bind, those already open are
     * closed and the error names the address.
     */
    static List<ServerSocketChannel> listen(List<? extends SocketAddress> addresses, ServerOptions options) throws IOException {
        List<ServerSocketChannel> open = new ArrayList<>();
        try {
            for (SocketAddress address : addresses) {
                ServerSocketChannel ch = ServerSocketChannel.open(family(address));
                open.add(ch);
                ch.configureBlocking(false);
                if (address instanceof InetSocketAddress) {
                    ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
                    if (options.reusePort()) ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                } else if (options.reusePort()) {
                    throw new IllegalArgumentException("reusePort applies to TCP sockets only");
                }
                try {
                    ch.bind(address, options.backlog());
                } catch (IOException e) {
                    BindException named = new BindException("error while attempting to bind on address " + address + ": " + e.getMessage());
                    named.initCause(e);
                    throw named;
                }
            }
            return open;
        } catch (Throwable e) {
            for (ServerSocketChannel ch : open) closeQuietly(ch);
            throw e;
        }
    }

    /** Removes a stale Unix socket file left by an earlier server, as asyncio does; never a regular file. */
    static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
        Object mode;
        try {
            mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return; // cannot tell: leave it, and bind will say the address is in use
        }
        if (mode instanceof Integer m && (m & 0170000) == 0140000) Files.delete(path);
    }

    private static ProtocolFamily family(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) return StandardProtocolFamily.UNIX;
        if (address instanceof InetSocketAddress inet) {
            if (inet.isUnresolved()) throw new IllegalArgumentException("unresolved address: " + inet);
            return inet.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        }
        throw new IllegalArgumentException("unsupported address type: " + address);
    }

    static void closeQuietly(Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
    }
}
