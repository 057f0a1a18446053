package dev.jasyncio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with a peer nobody here wrote: CPython's asyncio streams (the system /usr/bin/python3)
 * as the server for a jasyncio client, and as the client of a jasyncio server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CPythonInteropTests {
    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path tmp;

    Path script(String name) throws IOException {
        return script(tmp, name);
    }

    /** Copies a script from the test resources into {@code dir}, where the interpreter can run it. */
    static Path script(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        try (var in = CPythonInteropTests.class.getResourceAsStream("/interop/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void jasyncioClientTalksToCPythonServer() throws Exception {
        withPythonServer(List.of(script("echo_server.py").toString()), port -> Asyncio.run(() -> {
            Connection c = Asyncio.openConnection("127.0.0.1", port);
            upperCaseRoundTrips(c);
            c.writer().writeEof();
            assertArrayEquals("BYE\n".getBytes(), c.reader().readline());
            assertArrayEquals(new byte[0], c.reader().read(-1));
            c.writer().close();
            c.writer().waitClosed();
        }));
    }

    /** Code run with the port a Python server announced. */
    interface PortBody {
        void run(int port) throws Exception;
    }

    /**
     * Starts {@code python args...} (a server that prints "PORT n" first), runs {@code body} with
     * its port, then closes the server's stdin, which tells it to exit.
     */
    static void withPythonServer(List<String> args, PortBody body) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON));
        command.addAll(args);
        Process python = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("PORT "), "the server announces its port: " + first);
            body.run(Integer.parseInt(first.substring(5).trim()));
        } finally {
            python.getOutputStream().close();
            if (!python.waitFor(10, TimeUnit.SECONDS)) python.destroyForcibly();
        }
    }

    /** Runs {@code python args...} to its end off the loop (call it from a task); the lines it printed. */
    static List<String> runPython(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON));
        command.addAll(args);
        return Asyncio.toThread(() -> {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<String> got = new ArrayList<>();
            try (BufferedReader out = p.inputReader()) {
                for (String l; (l = out.readLine()) != null; ) got.add(l);
            }
            assertEquals(0, p.waitFor(), "the Python program exits cleanly");
            return got;
        });
    }

    /** A line, then a line of a million bytes, sent to a server that answers upper-cased. */
    static void upperCaseRoundTrips(Connection c) throws IOException {
        c.writer().write("hello from java\n");
        assertArrayEquals("HELLO FROM JAVA\n".getBytes(), c.reader().readline());
        byte[] big = new byte[1_000_001];
        java.util.Arrays.fill(big, (byte) 'a');
        big[big.length - 1] = '\n';
        c.writer().write(big);
        c.writer().drain();
        byte[] back = c.reader().readexactly(big.length);
        assertEquals('A', back[0]);
        assertEquals('A', back[big.length - 2]);
    }

    @Test
    void cpythonClientTalksToJasyncioServer() throws Exception {
        Path client = script("echo_client.py");
        List<String> lines = Asyncio.run(() -> {
            Server server = Asyncio.startServer((r, w) -> {
                for (byte[] line; (line = r.readline()).length > 0; ) {
                    w.write(new StringBuilder(new String(line, StandardCharsets.UTF_8).strip()).reverse() + "\n");
                    w.drain();
                }
                w.write("end\n");
                w.close();
            }, "127.0.0.1", 0, ServerOptions.defaults().withLimit(2_000_000)); // lines up to a megabyte
            int port = ((InetSocketAddress) server.sockets().getFirst()).getPort();
            List<String> printed = runPython(List.of(client.toString(), String.valueOf(port), "abc", "hello"));
            server.close();
            server.waitClosed();
            return printed;
        });
        assertEquals(List.of("cba", "olleh", "<1000000 bytes>", "end"), lines);
    }
}
