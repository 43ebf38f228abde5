/**
 * NetPilot's domain and its transport-free orchestration.
 *
 * <p>Core sees no SSH library, no JSON library, no injector and no UI: the other modules
 * implement its interfaces ({@link io.netpilot.core.StateStore}, {@link io.netpilot.core.spi})
 * and are found by the front door, {@link io.netpilot.core.NetPilot}, as services.
 */
module io.netpilot.core {
    requires transitive org.slf4j;
    requires dev.failsafe.core;
    requires static jakarta.inject;

    exports io.netpilot.core;
    exports io.netpilot.core.spi;

    // The front door (NetPilot) finds its SSH side and its home's state as services, so core compiles
    // against neither netpilot-ssh nor netpilot-state; both provide these (and list them in
    // META-INF/services for the plain class path).
    uses io.netpilot.core.spi.TransportService;
    uses io.netpilot.core.spi.StateService;
}
