/**
 * NetPilot's benchmarks (not a Maven module): compiled and run by {@code bench/run.sh} on the
 * netpilot command's shipped module path.
 */
module io.netpilot.bench {
    requires io.netpilot.core;
    requires io.netpilot.ssh;
    requires io.netpilot.state;
    requires io.netpilot.testkit;
}
