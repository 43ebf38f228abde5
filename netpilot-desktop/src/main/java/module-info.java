/**
 * The NetPilot desktop app: Swing views with FlatLaf over Swing-free presentation models
 * ({@code io.netpilot.desktop.presentation}), wired with Guice over the front door
 * ({@link io.netpilot.core.NetPilot}, started or attached).
 */
module io.netpilot.desktop {
    requires io.netpilot.core;
    requires io.netpilot.ssh;
    requires io.netpilot.state;
    requires com.formdev.flatlaf;
    requires java.desktop;
    requires com.google.guice;
    // Guice 7 is an automatic module that needs these in the module graph (see STACK-NOTES).
    requires com.google.common;
    requires jakarta.inject;
    requires jdk.unsupported;
    requires org.slf4j;

    exports io.netpilot.desktop;

    opens io.netpilot.desktop to com.google.guice;
}
