/**
 * NetPilot's domain and its transport-free orchestration.
 *
 * <p>Core sees no SSH library, no JSON library, no injector and no UI: the other modules
 * implement its interfaces ({@link io.netpilot.core.StateStore}, {@link io.netpilot.core.spi})
 * and are wired together by the applications.
 */
module io.netpilot.core {
    requires transitive org.slf4j;
    requires dev.failsafe.core;
    requires static jakarta.inject;

    exports io.netpilot.core;
    exports io.netpilot.core.spi;
}
