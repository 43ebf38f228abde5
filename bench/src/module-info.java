/**
 * NetPilot's benchmarks (not a Maven module): compiled and run by {@code bench/run.sh} on the
 * netpilot command's shipped module path.
 */
module io.netpilot.bench {
    // The lifecycle bench uses only the front door (netpilot-ssh and netpilot-state are found as the services
    // core uses); the state fixture writes state files through netpilot-state's API.
    requires io.netpilot.core;
    // the fleet bench's agent reports its heap after a full GC
    requires java.management;
    requires io.netpilot.state;
    // the probe-cost bench's agent opens its relay session through the ssh module and probes with its probe
    requires io.netpilot.ssh;
    requires io.netpilot.testkit;
}
