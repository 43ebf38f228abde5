/**
 * The Jackson {@link io.netpilot.core.StateStore} over the NetPilot home, its durable atomic writes,
 * schema versions and quarantine of unreadable files, and the single-agent lock.
 *
 * <p>Only {@code io.netpilot.state} is API. The JSON mapping and the store itself live in the
 * non-exported {@code io.netpilot.state.internal}, opened to Jackson (its DTO records) and Guice
 * (its package-private {@code @Inject} constructor) and to nobody else.
 */
module io.netpilot.state {
    requires transitive io.netpilot.core;
    // StateModule extends Guice's AbstractModule, so Guice is part of our signatures.
    requires transitive com.google.guice;
    requires jakarta.inject;
    requires com.google.common;
    requires jdk.unsupported;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.netpilot.state;

    opens io.netpilot.state.internal to com.google.guice, com.fasterxml.jackson.databind;
}
