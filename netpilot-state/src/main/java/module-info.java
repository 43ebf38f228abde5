/**
 * The Jackson {@link io.netpilot.core.StateStore} over the NetPilot home, its durable atomic writes,
 * schema versions and quarantine of unreadable files, the single-agent lock, and the local control
 * channel ({@code agent.sock}) through which the CLI and the desktop attach to a running agent. It
 * provides core's {@link io.netpilot.core.spi.StateService} to the front door.
 *
 * <p>Only {@code io.netpilot.state} and the optional {@code io.netpilot.state.guice} are API. The JSON
 * mapping, the store and the control channel live in non-exported {@code internal} packages, opened
 * to Jackson (their DTO records) and to nobody else.
 */
module io.netpilot.state {
    requires transitive io.netpilot.core;
    // Optional: only io.netpilot.state.guice uses Guice, for applications that bring it.
    requires static com.google.guice;
    // The store's constructor carries @Inject for injectors that build it; nothing needs it at run time.
    requires static jakarta.inject;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires jdk.net;

    exports io.netpilot.state;
    exports io.netpilot.state.guice;

    provides io.netpilot.core.spi.StateService with io.netpilot.state.internal.HomeStateService;

    opens io.netpilot.state.internal to com.fasterxml.jackson.databind;
    opens io.netpilot.state.internal.control to com.fasterxml.jackson.databind;
    opens io.netpilot.state.guice to com.google.guice;
}
