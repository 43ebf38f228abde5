/** The Jackson state store over the NetPilot home. */
module io.netpilot.state {
    requires transitive io.netpilot.core;
    requires com.fasterxml.jackson.databind;
    requires com.google.guice;
}
