package dev.jasyncio.bench;

import java.nio.ByteBuffer;

import dev.jasyncio.Asyncio;
import dev.jasyncio.Protocol;
import dev.jasyncio.Transport;

/** Echo server on the protocol API: {@code dataReceived} writes the bytes back. usage: EchoProtocol PORT */
public final class EchoProtocol {
    static final class Echo implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Asyncio.run(() -> Asyncio.getRunningLoop().createServer(Echo::new, "127.0.0.1", port).serveForever());
    }
}
