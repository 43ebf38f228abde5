/** A small application embedding NetPilot through its front door (see docs/embedding.md). */
module io.netpilot.example {
    // The front door only: netpilot-ssh and netpilot-state just sit on the module path, found as services.
    requires io.netpilot.core;
    // The embedded relay and router this example runs against, in place of real machines.
    requires io.netpilot.testkit;
}
