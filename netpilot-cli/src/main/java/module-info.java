/** The netpilot command. */
module io.netpilot.cli {
    requires io.netpilot.core;
    requires io.netpilot.ssh;
    requires io.netpilot.state;
    requires io.netpilot.testkit;
    requires info.picocli;
    requires com.google.guice;
    requires org.slf4j;
}
