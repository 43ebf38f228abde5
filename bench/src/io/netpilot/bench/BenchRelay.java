package io.netpilot.bench;

import io.netpilot.testkit.EmbeddedRelay;
import io.netpilot.testkit.OpenSshRelay;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The relay a bench runs against: the testkit's {@link EmbeddedRelay} in the bench's JVM, or a real
 * OpenSSH {@code sshd} in its own processes ({@link OpenSshRelay}, one-account layout; needs root). The
 * benches log in as {@code user} with the agent's key ({@link #authorize}); {@code knownHosts} pins
 * all its host keys for a plain {@code ssh}; {@code keysFile} is where the routers' lease lines go.
 */
record BenchRelay(String user, int port, String knownHosts, Path keysFile, KeyAuthorizer authorizer, Closeable server)
        implements Closeable {

    /** Lets a public key line log in as the relay's user. */
    @FunctionalInterface
    interface KeyAuthorizer {
        void authorize(String publicKeyLine) throws IOException, InterruptedException;
    }

    static BenchRelay start(boolean openssh, Path dir) throws Exception {
        return openssh ? openssh(dir) : embedded(dir);
    }

    static BenchRelay embedded(Path dir) {
        EmbeddedRelay relay = EmbeddedRelay.start(dir);
        return new BenchRelay(relay.address().user(), relay.port(), "[127.0.0.1]:" + relay.port() + " " + relay.hostPublicKey() + "\n",
                relay.authorizedKeysFile(), relay::authorize, relay::close);
    }

    static BenchRelay openssh(Path dir) throws Exception {
        OpenSshRelay relay = OpenSshRelay.oneAccount(dir);
        try {
            StringBuilder hosts = new StringBuilder();
            for (String type : List.of("ed25519", "ecdsa", "rsa")) {
                String[] pub = Files.readString(dir.resolve("host_" + type + ".pub")).strip().split(" ");
                hosts.append("[127.0.0.1]:").append(relay.port).append(' ').append(pub[0]).append(' ').append(pub[1]).append('\n');
            }
            return new BenchRelay(relay.agent, relay.port, hosts.toString(), relay.keysFile(), relay::authorizeAgent, relay);
        } catch (Exception | Error e) {
            relay.close();
            throw e;
        }
    }

    /** {@code user@127.0.0.1:port}, as the agent and the CLI take it. */
    String address() {
        return user + "@127.0.0.1:" + port;
    }

    /** Lets {@code publicKeyLine} (the agent's key) log in. */
    void authorize(String publicKeyLine) throws IOException, InterruptedException {
        authorizer.authorize(publicKeyLine);
    }

    /** Key lines on the relay other than the agent's own (whose key is {@code agentKey}): the routers' lease lines. */
    long routerKeyLines(String agentKey) throws IOException {
        String agentBlob = agentKey.strip().split("\\s+")[1];
        return Files.readAllLines(keysFile).stream().filter(l -> !l.isBlank() && !l.contains(agentBlob)).count();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
