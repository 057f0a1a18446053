package dev.jasyncio;

import java.nio.ByteBuffer;

/** A test protocol that sends back whatever it receives. */
final class Echo implements Protocol {
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
