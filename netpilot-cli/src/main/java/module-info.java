/**
 * The {@code netpilot} command: picocli commands wired with Guice over core, ssh and state; the
 * demo runs on the testkit's embedded servers.
 */
module io.netpilot.cli {
    requires io.netpilot.core;
    requires io.netpilot.ssh;
    requires io.netpilot.state;
    requires io.netpilot.testkit;
    requires info.picocli;
    requires com.google.guice;
    // Guice 7 is an automatic module that needs these in the module graph (ssh and state no longer
    // pull them in: Guice is optional there).
    requires com.google.common;
    requires jakarta.inject;
    requires jdk.unsupported;
    requires com.fasterxml.jackson.databind;
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    requires org.slf4j;
    requires java.management;

    exports io.netpilot.cli;

    provides ch.qos.logback.classic.spi.Configurator with io.netpilot.cli.internal.LogConfigurator;

    opens io.netpilot.cli.command to info.picocli;
}
