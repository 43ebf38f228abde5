/** The Swing desktop app. */
module io.netpilot.desktop {
    requires io.netpilot.core;
    requires io.netpilot.ssh;
    requires io.netpilot.state;
    requires com.formdev.flatlaf;
    requires java.desktop;
    requires com.google.guice;
}
