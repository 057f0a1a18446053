/** {@code @AsyncioTest}: JUnit 5 test methods that run as the main task of a fresh jasyncio loop. */
module dev.jasyncio.testing {
    requires transitive dev.jasyncio;
    requires transitive org.junit.jupiter.api;
    exports dev.jasyncio.testing;
}
