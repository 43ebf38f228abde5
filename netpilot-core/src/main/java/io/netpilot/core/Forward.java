package io.netpilot.core;

/**
 * One reverse forward: the relay listens on {@code 127.0.0.1:remotePort} and every connection there
 * reaches {@code 127.0.0.1:targetPort} on the router ({@code -R 127.0.0.1:REMOTE:127.0.0.1:TARGET}).
 *
 * @param remotePort the port on the relay's loopback
 * @param targetPort the port on the router's loopback, usually its SSH server's 22
 */
public record Forward(int remotePort, int targetPort) {
    /** @throws InvalidInputException when a port is out of range */
    public Forward {
        Checks.port("relay port", remotePort);
        Checks.port("target port", targetPort);
    }

    /** The argument of {@code ssh -R}; only digits, dots and colons. */
    public String reverseSpec() {
        return "127.0.0.1:" + remotePort + ":127.0.0.1:" + targetPort;
    }

    /** The same as {@link #reverseSpec()}. */
    @Override
    public String toString() {
        return reverseSpec();
    }
}
